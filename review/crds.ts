/**
 * The CustomResourceDefinitions a stack applies, and where each comes from (the pinned file, so
 * its release tag and checksum), before and after: deleting a CRD deletes every object of its
 * kind, so the preview says it loudly.
 */
import { manifestObject } from './live-effects';
import type { PlannedChange } from './plan';
import type { Json } from './terraform-json';
import { dataOf, pinnedChecksum, resourcesOf } from './terraform-json';

export interface AppliedCrd {
  readonly name: string;
  /** The file it is read from (its URL names the release), or `inline`. */
  readonly source: string;
  /** The file's pinned sha256: the same file at two release tags is the same CRD. */
  readonly sha256?: string;
}

export interface CrdChanges {
  readonly stack: string;
  readonly before: number;
  readonly after: number;
  readonly added: readonly AppliedCrd[];
  readonly changed: readonly { name: string; before: string; after: string }[];
  /**
   * Left the stack, or its address: deleted (or replaced) with every object of its kind,
   * released (forget), or orphaned.
   */
  readonly gone: readonly { name: string; action: string }[];
}

/** Every CRD a stack applies, by address. */
export function appliedCrds(tf: Json | undefined): Map<string, AppliedCrd> {
  const data = dataOf(tf);
  const found = new Map<string, AppliedCrd>();
  for (const [address, body] of resourcesOf(tf)) {
    if (!address.startsWith('kubernetes_manifest.')) continue;
    const { kind, name } = manifestObject(body);
    if (kind !== 'CustomResourceDefinition' || !name) continue;
    const file = /data\.(http\.[\w-]+)\.response_body/.exec(JSON.stringify(body.manifest))?.[1];
    const download = file ? data.get(file) : undefined;
    found.set(address, {
      name,
      source: download?.url ?? file ?? 'inline',
      sha256: download && pinnedChecksum(download),
    });
  }
  return found;
}

export function crdChanges(
  stack: string,
  before: Json | undefined,
  after: Json | undefined,
  changes: readonly PlannedChange[],
): CrdChanges {
  const [was, is] = [appliedCrds(before), appliedCrds(after)];
  const byName = (crds: Map<string, AppliedCrd>) =>
    new Map([...crds.values()].map((crd) => [crd.name, crd]));
  const [wasByName, isByName] = [byName(was), byName(is)];
  const actionOf = (address: string) =>
    changes.find((c) => c.stack === stack && c.address === address)?.action;
  return {
    stack,
    before: was.size,
    after: is.size,
    added: [...isByName.values()].filter((crd) => !wasByName.has(crd.name)),
    changed: [...isByName.values()]
      .filter((crd) => {
        const before = wasByName.get(crd.name);
        return before && (before.sha256 ?? before.source) !== (crd.sha256 ?? crd.source);
      })
      .map((crd) => ({
        name: crd.name,
        before: wasByName.get(crd.name)?.source ?? '',
        after: crd.source,
      })),
    // Also a CRD kept by name whose old address is deleted or replaced (moved without a `moved`
    // block): Terraform deletes it, with every object of its kind, before it makes it again.
    gone: [...was]
      .filter(([address, crd]) => {
        const action = actionOf(address);
        return !isByName.has(crd.name) || action === 'delete' || action === 'replace';
      })
      .map(([address, crd]) => ({ name: crd.name, action: actionOf(address) ?? 'delete' })),
  };
}
