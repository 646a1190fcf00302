/**
 * `npm run catalog -- add gateway-api <tag>` end to end, against a loopback server standing in
 * for raw.githubusercontent.com and the GitHub contents API, for a made-up catalogued release and
 * its made-up successor (so the test needs no upstream copy). The entry is written into a copy of
 * catalog/gateway-api.ts, which is then loaded and read back. Nothing reaches the internet.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { transformSync } from '@swc/core';
import { stringify } from 'yaml';
import { GATEWAY_API_GROUP } from '../catalog/gateway-api';
import * as manifestFiles from '../catalog/manifest-files';
import type { GatewayApiRelease } from '../catalog/gateway-api';
import { GATEWAY_API_REPOSITORY, addGatewayApiRelease } from '../scripts/catalog-gateway-api';
import { sha256 } from '../scripts/catalog-upstream';

const PREVIOUS = 'v1.6.1';
const NEXT = 'v1.7.0';
const BUNDLE = 'gateway.networking.k8s.io/bundle-version';

/** A standard-channel CRD file of `tag`, serving `versions`. */
const crdFile = (tag: string, name: string, versions: string[]) =>
  stringify({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${name}.${GATEWAY_API_GROUP}`, annotations: { [BUNDLE]: tag } },
    spec: {
      group: GATEWAY_API_GROUP,
      versions: versions.map((version, i) => ({ name: version, served: true, storage: i === 0 })),
    },
  });
const safeUpgrades = (tag: string) =>
  ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']
    .map((kind) =>
      stringify({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind,
        metadata: { name: `safe-upgrades.${GATEWAY_API_GROUP}`, annotations: { [BUNDLE]: tag } },
      }),
    )
    .join('---\n');

function release(tag: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    gateways: crdFile(tag, 'gateways', ['v1', 'v1beta1']),
    httproutes: crdFile(tag, 'httproutes', ['v1', 'v1beta1']),
    vap_safeupgrades: safeUpgrades(tag),
    ...extra,
  };
}

const served: Record<string, Record<string, string>> = {};
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const listing = `/repos/${GATEWAY_API_REPOSITORY}/contents/config/crd/standard`;
    if (url.pathname === listing) {
      const files = served[url.searchParams.get('ref') ?? ''];
      response.statusCode = files ? 200 : 404;
      const names = Object.keys(files ?? {}).map((n) => `${GATEWAY_API_GROUP}_${n}.yaml`);
      response.end(JSON.stringify(names.map((name) => ({ name, type: 'file' }))));
      return;
    }
    const match = new RegExp(
      `^/${GATEWAY_API_REPOSITORY}/([^/]+)/config/crd/standard/${GATEWAY_API_GROUP}_(\\w+)\\.yaml$`,
    ).exec(url.pathname);
    const body = match ? served[match[1]]?.[match[2]] : undefined;
    response.statusCode = body === undefined ? 404 : 200;
    response.end(body ?? '404: Not Found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let dir: string;
let catalogFile: string;
beforeEach(() => {
  served[PREVIOUS] = release(PREVIOUS);
  served[NEXT] = release(NEXT, { listenersets: crdFile(NEXT, 'listenersets', ['v1']) });
  dir = mkdtempSync(join(tmpdir(), 'eks-edge-gateway-api-'));
  catalogFile = join(dir, 'gateway-api.ts');
  copyFileSync(join(__dirname, '..', 'catalog', 'gateway-api.ts'), catalogFile);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The made-up catalog: the previous release with the sha256 of the files served for it. */
const catalogued = () => ({
  [PREVIOUS]: Object.fromEntries(
    Object.entries(served[PREVIOUS]).map(([name, body]) => [name, sha256(Buffer.from(body))]),
  ),
});
const add = (tag: string) =>
  addGatewayApiRelease(tag, { baseUrl: base, apiUrl: base, catalogFile, catalogued: catalogued() });

/** The written catalog file, loaded as the app loads it. */
function loadWritten(): { gatewayApiRelease: (v: string) => GatewayApiRelease | undefined } {
  const { code } = transformSync(readFileSync(catalogFile, 'utf8'), {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  const module = { exports: {} as Record<string, unknown> };
  // The one module it imports at run time, as the project has it.
  const local = (id: string) => (id === './manifest-files' ? manifestFiles : undefined);
  runInNewContext(code, { module, exports: module.exports, require: local });
  return module.exports as never;
}

describe('catalog add gateway-api', () => {
  it('writes the release file by file, in the catalog’s format', async () => {
    const result = await add(NEXT);
    expect(result.report).toContainEqual('  new in the standard channel: listenersets');
    const written = loadWritten().gatewayApiRelease(NEXT)!;
    expect(Object.fromEntries(written.standardFiles.map((f) => [f.name, f.sha256]))).toEqual(
      Object.fromEntries(
        Object.entries(served[NEXT]).map(([name, body]) => [name, sha256(Buffer.from(body))]),
      ),
    );
    expect(written.standardFiles.map((f) => f.url)).toContainEqual(
      `https://raw.githubusercontent.com/kubernetes-sigs/gateway-api/${NEXT}/config/crd/standard/gateway.networking.k8s.io_listenersets.yaml`,
    );
    expect(written.standardResources).toEqual(['gateways', 'httproutes', 'listenersets']);
    const root = join(__dirname, '..');
    const check = spawnSync(
      join(root, 'node_modules', '.bin', 'prettier'),
      ['--check', '--config', join(root, '.prettierrc.json'), catalogFile],
      { encoding: 'utf8' },
    );
    expect([check.status, check.stderr]).toEqual([0, '']);
  });

  it('checks a catalogued tag instead, and refuses one that moved', async () => {
    expect((await add(PREVIOUS)).written).toBe(false);
    const before = catalogued();
    served[PREVIOUS].gateways += '# moved\n';
    const moved = addGatewayApiRelease(PREVIOUS, {
      baseUrl: base,
      apiUrl: base,
      catalogFile,
      catalogued: before,
    });
    await expect(moved).rejects.toThrow(
      /^v1\.6\.1 is catalogued, and its files changed since: the tag moved\. gateways was/,
    );
  });

  it('refuses a missing tag, a file of another release, a dropped CRD or version, a branch', async () => {
    await expect(add('v1.8.0')).rejects.toThrow(
      'config/crd/standard at v1.8.0: not found (HTTP 404): the tag does not exist',
    );
    served[NEXT].gateways = crdFile(PREVIOUS, 'gateways', ['v1', 'v1beta1']);
    await expect(add(NEXT)).rejects.toThrow(
      /names bundle version v1\.6\.1: not this release's file/,
    );
    served[NEXT].gateways = crdFile(NEXT, 'gateways', ['v1']);
    delete served[NEXT].httproutes;
    const dropped = add(NEXT);
    await expect(dropped).rejects.toThrow('httproutes: the file was dropped');
    await expect(dropped).rejects.toThrow(
      'gateways.gateway.networking.k8s.io no longer serves v1beta1',
    );
    await expect(dropped).rejects.toThrow('httproutes.gateway.networking.k8s.io was dropped');
    await expect(add('main')).rejects.toThrow(
      'main is not a release tag vX.Y.Z (a branch is never pinned)',
    );
    expect(readFileSync(catalogFile, 'utf8')).not.toContain(NEXT);
  });
});
