/**
 * Pins the Terraform address of every resource, data source and output of both examples and of
 * variants that reach every construct. An address is how Terraform recognises a live object: a
 * changed address plans a delete and a create. Moving or renaming code must leave these alone;
 * a change that really moves a resource needs a `moved` block, and then a deliberate update of
 * the pinned list: `PIN_ADDRESSES=write npx jest __tests__/addresses.test.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { configWith, exampleRaw, synthesize } from './helpers';
import type { Json } from './helpers';

const PINNED = join(__dirname, 'fixtures', 'addresses.json');
const crossAccountRaw = (): Json =>
  parse(readFileSync(join(__dirname, '..', 'config', 'cross-account.example.yaml'), 'utf8'));

/** Configurations that together reach every construct and every identity mode. */
const VARIANTS: Record<string, () => Json> = {
  example: exampleRaw,
  'cross-account example': crossAccountRaw,
  'cross-account, shared DNS role, session tags disabled': () => {
    const raw = crossAccountRaw();
    raw.dnsAccount.sharedRole = true;
    raw.clusters[0].externalDns[0].crossAccount.disableSessionTags = true;
    // Neither caller carries session tags then: a shared role needs them to have one scope.
    delete raw.clusters[1].externalDns[0].domainFilters;
    delete raw.clusters[1].externalDns[0].restrictRecordNames;
    return raw;
  },
  'example, controller by Pod Identity with the agent add-on and the v1 migration': () => {
    const raw = exampleRaw();
    Object.assign(raw.clusters[0], { installPodIdentityAgent: true });
    Object.assign(raw.clusters[0].loadBalancerController, {
      identity: 'pod-identity',
      migrateFromV1: true,
    });
    return raw;
  },
  'example, existing OIDC provider, node-role instance, two clusters sharing subnets': () => {
    const raw = exampleRaw();
    const [cluster] = raw.clusters;
    cluster.existingOidcProviderArn =
      'arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
    cluster.subnets.tagClusterShared = true;
    cluster.externalDns.push({
      name: 'nodes',
      identity: 'node-role',
      nodeRoleNames: ['edge-demo-nodes'],
      zones: [{ name: 'example.org', id: 'Z0EXAMPLEORG000001' }],
    });
    const second = structuredClone(cluster);
    Object.assign(second, { environment: 'staging', clusterName: 'edge-staging', externalDns: [] });
    second.subnets.roleTagOwnedBy = Object.fromEntries(
      [...second.subnets.public, ...second.subnets.private].map((id: string) => [
        id,
        'prod-edge-demo',
      ]),
    );
    delete second.existingOidcProviderArn;
    second.accessLogs = { enabled: false };
    raw.clusters.push(second);
    return raw;
  },
};

/** `resource.<type>.<name>`, `data.<type>.<name>` and `output.<name>` of each stack, sorted. */
function addresses(stacks: Record<string, Json>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(stacks)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([stack, tf]) => {
        const list = [
          ...['resource', 'data'].flatMap((block) =>
            Object.entries(tf[block] ?? {}).flatMap(([type, byName]) =>
              Object.keys(byName as Json).map((name) => `${block}.${type}.${name}`),
            ),
          ),
          ...Object.keys(tf.output ?? {}).map((name) => `output.${name}`),
        ];
        return [stack, list.sort()];
      }),
  );
}

const actual = Object.fromEntries(
  Object.entries(VARIANTS).map(([name, raw]) => [
    name,
    addresses(synthesize(configWith(() => undefined, raw()))),
  ]),
);

if (process.env.PIN_ADDRESSES === 'write')
  writeFileSync(PINNED, `${JSON.stringify(actual, null, 2)}\n`);
const pinned: Record<string, Record<string, string[]>> = JSON.parse(readFileSync(PINNED, 'utf8'));

describe.each(Object.keys(VARIANTS))('the Terraform addresses of %s', (variant) => {
  it('are the pinned ones: no resource is silently replaced by a code move', () => {
    expect(actual[variant]).toEqual(pinned[variant]);
  });
});

it('the pinned list covers every variant and nothing else', () => {
  expect(Object.keys(pinned).sort()).toEqual(Object.keys(VARIANTS).sort());
});
