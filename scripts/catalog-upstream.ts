/**
 * What `npm run catalog` needs for every kind of upstream release: downloads at a tag, checksums,
 * the CRDs a file holds, and what a new release may not take away from the previous one.
 */
import { createHash } from 'node:crypto';
import { parseAllDocuments } from 'yaml';

/** Where an upstream repository's files are read: raw files, and folder listings. */
export interface UpstreamSource {
  /** Where the raw files are served: `<base>/<owner>/<repo>/<tag>/<path>`. */
  readonly baseUrl: string;
  /** The GitHub API that lists a folder at a tag: `<api>/repos/<owner>/<repo>/contents/…`. */
  readonly apiUrl: string;
}

/** A refusal: what is wrong, for the report. */
export class CatalogRefusal extends Error {}

/** A CRD as a file holds it: its name, the versions it serves and the one it stores. */
export interface Crd {
  readonly name: string;
  readonly served: readonly string[];
  readonly storage: string | undefined;
}

/** A release tag vX.Y.Z: what is pinned is always a tag, never a branch. */
export function requireReleaseTag(tag: string): void {
  if (!/^v\d+\.\d+\.\d+$/.test(tag))
    throw new CatalogRefusal(`${tag} is not a release tag vX.Y.Z (a branch is never pinned)`);
}

export const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('hex');

/** A file of `repository` at `tag`, from `<base>/<owner>/<repo>/<tag>/<path>` (raw files). */
export async function download(
  base: string,
  repository: string,
  tag: string,
  path: string,
): Promise<Buffer> {
  const url = `${base}/${repository}/${tag}/${path}`;
  const response = await fetch(url);
  if (response.status === 404)
    throw new CatalogRefusal(
      `${path} at ${tag}: not found (HTTP 404): the tag does not exist, or the file is not at it`,
    );
  if (!response.ok) throw new CatalogRefusal(`${url}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/** The names of the files in `path` of `repository` at `tag` (the GitHub contents API). */
export async function listFiles(
  apiUrl: string,
  repository: string,
  tag: string,
  path: string,
): Promise<string[]> {
  const url = `${apiUrl}/repos/${repository}/contents/${path}?ref=${tag}`;
  const response = await fetch(url, { headers: { accept: 'application/vnd.github+json' } });
  if (response.status === 404)
    throw new CatalogRefusal(`${path} at ${tag}: not found (HTTP 404): the tag does not exist`);
  if (!response.ok) throw new CatalogRefusal(`${url}: HTTP ${response.status}`);
  const entries = (await response.json()) as { name: string; type: string }[];
  return entries.filter((entry) => entry.type === 'file').map((entry) => entry.name);
}

/** The CRDs of a file; a file without any is not the upstream file. */
export function crdsOf(body: Buffer, path: string): Crd[] {
  const crds = parseAllDocuments(body.toString('utf8'))
    .map((document) => document.toJS())
    .filter((object) => object?.kind === 'CustomResourceDefinition');
  if (crds.length === 0)
    throw new CatalogRefusal(`${path} holds no CustomResourceDefinition: not the upstream file`);
  return crds.map((crd) => ({
    name: crd.metadata.name,
    served: crd.spec.versions
      .filter((v: { served: boolean }) => v.served)
      .map((v: { name: string }) => v.name),
    storage: crd.spec.versions.find((v: { storage: boolean }) => v.storage)?.name,
  }));
}

/** The CRDs, and the served versions of CRDs, that `previous` had and `next` drops. */
export function droppedCrds(
  previous: readonly Crd[],
  next: readonly Crd[],
  file: string,
): string[] {
  return previous.flatMap((crd) => {
    const now = next.find((n) => n.name === crd.name);
    if (!now) return [`${file}: ${crd.name} was dropped (objects of its kind would be lost)`];
    return crd.served
      .filter((v) => !now.served.includes(v))
      .map((version) => `${file}: ${crd.name} no longer serves ${version}`);
  });
}

/** `key: 'sha256',` as Prettier writes it at `indent`: on one line where it fits in 100. */
export function checksumLines(key: string, sha: string, indent: string): string[] {
  const line = `${indent}${key}: '${sha}',`;
  return line.length <= 100 ? [line] : [`${indent}${key}:`, `${indent}  '${sha}',`];
}

/** `<template>: <action>` for every `{{ … }}` action of a template that calls `tpl`. */
function tplCallsOf(file: string, text: string): string[] {
  return [...text.matchAll(/\{\{-?([^}]*?\btpl\b[^}]*?)-?\}\}/g)].map(
    (match) => `${file}: ${match[1].trim().replace(/\s+/g, ' ')}`,
  );
}

/**
 * The `tpl` calls of a chart's templates at a tag (`<template>: <action>`), and the templates by
 * name. Which values a chart renders through `tpl` cannot be derived from them; a change between
 * releases is for a person to read.
 */
export async function chartTemplates(
  source: UpstreamSource,
  repository: string,
  tag: string,
  folder: string,
): Promise<{ tplCalls: string[]; templates: Record<string, string> }> {
  const names = (await listFiles(source.apiUrl, repository, tag, folder))
    .filter((name) => /\.(yaml|tpl)$/.test(name))
    .sort();
  const templates: Record<string, string> = {};
  for (const name of names)
    templates[name] = (
      await download(source.baseUrl, repository, tag, `${folder}/${name}`)
    ).toString('utf8');
  return {
    tplCalls: names.flatMap((name) => tplCallsOf(name, templates[name])),
    templates,
  };
}

/** The `tpl` calls that differ between two releases' templates. */
export function tplCallChanges(previous: readonly string[], next: readonly string[]): string[] {
  return [
    ...next.filter((call) => !previous.includes(call)).map((call) => `new: ${call}`),
    ...previous.filter((call) => !next.includes(call)).map((call) => `gone: ${call}`),
  ];
}
