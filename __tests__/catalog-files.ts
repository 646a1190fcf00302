/**
 * What the `npm run catalog -- add …` tests share: a loopback stand-in for GitHub, and reading
 * back the catalog file a command wrote (loaded as the app loads it; Prettier's verdict on it).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { transformSync } from '@swc/core';

/** The exports of a written catalog file; `modules` are the ones it imports at run time (by id). */
export function loadCatalogFile<T>(file: string, modules: Record<string, unknown> = {}): T {
  const { code } = transformSync(readFileSync(file, 'utf8'), {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  const module = { exports: {} as Record<string, unknown> };
  const load = (id: string) => {
    if (!(id in modules)) throw new Error(`${file} imports ${id}, which the test did not give`);
    return modules[id];
  };
  runInNewContext(code, { module, exports: module.exports, require: load });
  return module.exports as T;
}

/** `[exit status, stderr]` of `prettier --check` on the file: `[0, '']` when it is formatted. */
export function prettierCheck(file: string): [number | null, string] {
  const root = join(__dirname, '..');
  const check = spawnSync(
    join(root, 'node_modules', '.bin', 'prettier'),
    ['--check', '--config', join(root, '.prettierrc.json'), file],
    { encoding: 'utf8' },
  );
  return [check.status, check.stderr];
}

/**
 * A loopback server for the suite, standing in for raw.githubusercontent.com
 * (`/<owner>/<repo>/<tag>/<path>`) and for the GitHub contents API
 * (`/repos/<owner>/<repo>/contents/<folder>?ref=<tag>`) of one repository, whose files at a tag
 * are `filesAt(tag)` by path (undefined: no such tag). `base` is its URL once the suite runs.
 */
export function fakeGitHub(
  repository: string,
  filesAt: (tag: string) => Readonly<Record<string, string | Buffer>> | undefined,
): { base: string } {
  const handle = { base: '' };
  let server: Server;
  beforeAll(async () => {
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://loopback');
      const listing = `/repos/${repository}/contents/`;
      if (url.pathname.startsWith(listing)) {
        const files = filesAt(url.searchParams.get('ref') ?? '');
        const folder = `${url.pathname.slice(listing.length)}/`;
        const names = Object.keys(files ?? {})
          .filter((path) => path.startsWith(folder) && !path.slice(folder.length).includes('/'))
          .map((path) => ({ name: path.slice(folder.length), type: 'file' }));
        response.statusCode = files ? 200 : 404;
        response.end(JSON.stringify(names));
        return;
      }
      const raw = `/${repository}/`;
      const [tag, ...path] = url.pathname.startsWith(raw)
        ? url.pathname.slice(raw.length).split('/')
        : [''];
      const body = filesAt(tag)?.[path.join('/')];
      response.statusCode = body === undefined ? 404 : 200;
      response.end(body ?? '404: Not Found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    handle.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return handle;
}
