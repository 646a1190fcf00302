/**
 * `npm run catalog -- add gateway-api <tag>` end to end, against a loopback server standing in
 * for raw.githubusercontent.com and the GitHub contents API, for a made-up catalogued release and
 * its made-up successor (so the test needs no upstream copy). The entry is written into a copy of
 * catalog/gateway-api.ts, which is then loaded and read back. Nothing reaches the internet.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { GATEWAY_API_GROUP } from '../catalog/gateway-api';
import * as manifestFiles from '../catalog/manifest-files';
import type { GatewayApiRelease } from '../catalog/gateway-api';
import { GATEWAY_API_REPOSITORY, addGatewayApiRelease } from '../scripts/catalog-gateway-api';
import { sha256 } from '../scripts/catalog-upstream';
import { fakeGitHub, loadCatalogFile, prettierCheck } from './catalog-files';

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
/** The standard channel's files of a tag, by path. */
const filesAt = (tag: string) =>
  served[tag] &&
  Object.fromEntries(
    Object.entries(served[tag]).map(([name, body]) => [
      `config/crd/standard/${GATEWAY_API_GROUP}_${name}.yaml`,
      body,
    ]),
  );
const github = fakeGitHub(GATEWAY_API_REPOSITORY, filesAt);

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
  addGatewayApiRelease(tag, {
    baseUrl: github.base,
    apiUrl: github.base,
    catalogFile,
    catalogued: catalogued(),
  });

describe('catalog add gateway-api', () => {
  it('writes the release file by file, in the catalog’s format', async () => {
    const result = await add(NEXT);
    expect(result.report).toContainEqual('  new in the standard channel: listenersets');
    const written = loadCatalogFile<{
      gatewayApiRelease: (v: string) => GatewayApiRelease | undefined;
    }>(catalogFile, { './manifest-files': manifestFiles }).gatewayApiRelease(NEXT)!;
    expect(Object.fromEntries(written.standardFiles.map((f) => [f.name, f.sha256]))).toEqual(
      Object.fromEntries(
        Object.entries(served[NEXT]).map(([name, body]) => [name, sha256(Buffer.from(body))]),
      ),
    );
    expect(written.standardFiles.map((f) => f.url)).toContainEqual(
      `https://raw.githubusercontent.com/kubernetes-sigs/gateway-api/${NEXT}/config/crd/standard/gateway.networking.k8s.io_listenersets.yaml`,
    );
    expect(written.standardResources).toEqual(['gateways', 'httproutes', 'listenersets']);
    expect(prettierCheck(catalogFile)).toEqual([0, '']);
  });

  it('checks a catalogued tag instead, and refuses one that moved', async () => {
    expect((await add(PREVIOUS)).written).toBe(false);
    const before = catalogued();
    served[PREVIOUS].gateways += '# moved\n';
    const moved = addGatewayApiRelease(PREVIOUS, {
      baseUrl: github.base,
      apiUrl: github.base,
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
