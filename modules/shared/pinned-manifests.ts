import { DataKubernetesResources } from '@cdktf/provider-kubernetes/lib/data-kubernetes-resources';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { Construct } from 'constructs';
import {
  BUNDLE_VERSION_ANNOTATION,
  GATEWAY_API_GROUP,
  GATEWAY_API_VERSIONS,
} from '../../catalog/gateway-api';
import type { ManifestDocument, PinnedManifestFile } from '../../catalog/manifest-files';
import { Token } from 'cdktf';
import {
  ImportIfExists,
  MovedResource,
  ReleasedResource,
  pathFromStack,
  resourceAddress,
} from './terraform-blocks';
import { verifiedDownload } from './verified-download';
import { foundObjects } from './kubernetes-object';

export interface PinnedManifestsProps {
  /** The files to apply now, each downloaded at plan time and accepted only with its sha256. */
  readonly files: readonly PinnedManifestFile[];
  /** Every object this set held in any catalogued release: those not applied now are released. */
  readonly everyDocument: readonly ManifestDocument[];
  /**
   * Where earlier versions kept these objects: one `for_each` resource, instances keyed
   * `<kind>/<name>` (construct ids from the stack down). Its instances move to the per-object
   * resources.
   */
  readonly legacyForEach?: readonly string[];
  /**
   * What becomes of an object no longer applied: `release` (Terraform forgets it, the cluster
   * keeps it) or `delete` (an explicit setting: deleting a CRD deletes every object of its kind).
   */
  readonly unused: 'release' | 'delete';
  /**
   * Refuse any plan that destroys one of its CRDs (`prevent_destroy`): a destroy of the stack
   * must release them first (docs/operations.md, Destroy). Other kinds are not affected.
   */
  readonly preventCrdDestroy: boolean;
}

/** Construct id of one object: part of its Terraform address, stable across releases. */
function documentId({ kind, name }: ManifestDocument): string {
  return `${kind.toLowerCase()}-${name}`;
}

/** The lowercase kind as the manifest import id spells the object. */
function importId({ apiVersion, kind, name }: ManifestDocument): string {
  return `apiVersion=${apiVersion},kind=${kind},name=${name}`;
}

/**
 * Cluster-scoped objects (CRDs, admission policies) taken from pinned upstream files and
 * server-side applied one `kubernetes_manifest` each, so that:
 * - every file is downloaded at plan time from a release tag and accepted only with its sha256;
 * - an object upgrades in place when the release changes (same address, new document);
 * - what the server owns (`status`, `metadata.creationTimestamp`) is left out, so plans stay empty;
 * - an object that already exists (applied by Helm from a chart's `crds/`, by hand or by an
 *   earlier version of this project) is adopted by an `import`, not created again;
 * - an object that the current release no longer has is released, never deleted: deleting a CRD
 *   deletes every object of its kind, in every application.
 */
export class PinnedManifests extends Construct {
  readonly manifests: Manifest[] = [];

  constructor(scope: Construct, id: string, props: PinnedManifestsProps) {
    super(scope, id);
    const existing = new Map<string, string>();
    /** The objects of the document's kind in the cluster, as a Terraform expression. */
    const existingObjects = (document: ManifestDocument): string => {
      const key = `${document.apiVersion}/${document.kind}`;
      if (!existing.has(key)) {
        const lookup = new DataKubernetesResources(
          this,
          `existing-${document.kind.toLowerCase()}`,
          {
            apiVersion: document.apiVersion,
            kind: document.kind,
          },
        );
        // A plain address, not a token: the HCL of the import blocks is written outside cdktf.
        const objects = `data.${DataKubernetesResources.tfResourceType}.${lookup.friendlyUniqueId}.objects`;
        existing.set(key, foundObjects(objects));
      }
      return existing.get(key) ?? '[]';
    };
    const existingNames = (document: ManifestDocument): string =>
      `[for object in ${existingObjects(document)} : object.metadata.name]`;
    const current = new Set<string>();
    for (const file of props.files) {
      const download = verifiedDownload(this, `file-${file.name}`, file);
      for (const document of file.documents) {
        current.add(documentId(document));
        const body = `${download.fqn}.response_body`;
        const manifest = new Manifest(this, documentId(document), {
          manifest: Token.asAnyMap(`\${${documentOf(body, document)}}`),
          fieldManager: { name: 'eks-edge', forceConflicts: true },
          lifecycle:
            document.kind === 'CustomResourceDefinition'
              ? {
                  precondition: crdPreconditions(body, document, existingObjects(document)),
                  preventDestroy: props.preventCrdDestroy || undefined,
                }
              : undefined,
        });
        this.manifests.push(manifest);
        const address = `${manifest.terraformResourceType}.${manifest.friendlyUniqueId}`;
        new ImportIfExists(this, `${documentId(document)}-adopt`, {
          to: address,
          importId: importId(document),
          exists: `contains(${existingNames(document)}, ${JSON.stringify(document.name)})`,
        });
        if (props.legacyForEach) {
          const from = resourceAddress(this, 'kubernetes_manifest', props.legacyForEach);
          const key = JSON.stringify(`${document.kind}/${document.name}`);
          new MovedResource(this, `${documentId(document)}-moved`, `${from}[${key}]`, address);
        }
      }
    }
    if (props.unused === 'delete') return;
    for (const document of props.everyDocument.filter((d) => !current.has(documentId(d)))) {
      PinnedManifests.releaseOne(this, document);
    }
  }

  /**
   * A set that is not applied at all (the feature is off): every object it held is released, or,
   * with `unused: delete`, left out of the configuration, so Terraform deletes what it manages.
   */
  static unused(
    scope: Construct,
    id: string,
    props: Omit<PinnedManifestsProps, 'files' | 'preventCrdDestroy'>,
  ): undefined {
    if (props.unused === 'delete') return undefined;
    const set = new Construct(scope, id);
    for (const document of props.everyDocument) PinnedManifests.releaseOne(set, document);
    if (props.legacyForEach) {
      new ReleasedResource(set, 'legacy-released', {
        type: 'kubernetes_manifest',
        path: props.legacyForEach,
      });
    }
    return undefined;
  }

  private static releaseOne(set: Construct, document: ManifestDocument): void {
    new ReleasedResource(set, `${documentId(document)}-released`, {
      type: 'kubernetes_manifest',
      path: [...pathFromStack(set), documentId(document)],
    });
  }
}

/** A `vX.Y.Z` release as a number that orders releases (`-rc.N` suffixes are ignored). */
function releaseNumber(version: string): string {
  return `tonumber(join("", [for part in regex("^v(\\\\d+)\\\\.(\\\\d+)\\\\.(\\\\d+)", ${version}) : format("%03d", tonumber(part))]))`;
}

/** What a CRD document must not do to the cluster's CRD of its name (see each precondition). */
function crdPreconditions(
  body: string,
  document: ManifestDocument,
  existingObjects: string,
): { condition: string; errorMessage: string }[] {
  const gatewayApi = document.name.endsWith(`.${GATEWAY_API_GROUP}`);
  return [
    storedVersionsKept(body, document, existingObjects),
    ...(gatewayApi ? [releaseNotDowngraded(body, document, existingObjects)] : []),
  ];
}

/**
 * The precondition that a CRD document of a Gateway API release is not older than the release of
 * the cluster's CRD: CRDs are never downgraded (fields of the newer release would be dropped, and
 * from v1.5.0 the `safe-upgrades` admission policy, which stays in the cluster, refuses it at
 * apply). Only Gateway API CRDs carry the release annotation.
 */
function releaseNotDowngraded(
  body: string,
  document: ManifestDocument,
  existingObjects: string,
): { condition: string; errorMessage: string } {
  const annotation = (object: string) =>
    `try(${object}.metadata.annotations[${JSON.stringify(BUNDLE_VERSION_ANNOTATION)}], "")`;
  const live = `concat([for object in ${existingObjects} : ${annotation('object')} if object.metadata.name == ${JSON.stringify(document.name)}], [""])[0]`;
  const applied = annotation(documentOf(body, document));
  return {
    // Terraform's || does not short-circuit: a version that is missing or not vX.Y.Z fails the
    // comparison, and try() makes that "nothing to compare".
    condition: `\${try(${releaseNumber(live)} <= ${releaseNumber(applied)}, true)}`,
    errorMessage: `The cluster's ${document.name} is from Gateway API \${${live}}, newer than the \${${applied}} this release would apply: CRDs are never downgraded (the newer fields would be dropped, and from v1.5.0 the safe-upgrades admission policy refuses it). Keep them: set gatewayApi.version to \${${live}} (catalogued: ${GATEWAY_API_VERSIONS.join(', ')}; a newer release needs a newer eks-edge).`,
  };
}

/**
 * The precondition that a CRD document defines every version the cluster has stored objects in
 * (`status.storedVersions`): the API server refuses a CRD that drops one, so applying it would
 * fail halfway through the apply, after other changes of the stack (the controller's IAM policy,
 * other CRDs) were made. That happens on a rollback to a release whose CRD lacks a newer version,
 * such as the controller's `gateway.k8s.aws` CRDs from v3.5.0 (storage `v1`) back to v3.4.x.
 */
function storedVersionsKept(
  body: string,
  document: ManifestDocument,
  existingObjects: string,
): { condition: string; errorMessage: string } {
  const stored = `flatten([for object in ${existingObjects} : try(object.status.storedVersions, []) if object.metadata.name == ${JSON.stringify(document.name)}])`;
  const defined = `[for version in ${documentOf(body, document)}.spec.versions : version.name]`;
  const dropped = `setsubtract(${stored}, ${defined})`;
  return {
    condition: `\${length(${dropped}) == 0}`,
    errorMessage: `The cluster stores ${document.name} objects in versions that the CRD of this release does not define: \${join(", ", ${dropped})}. Kubernetes refuses a CRD that drops a stored version, so the apply would fail after other changes were made. Keep the release that defines it (for the controller's own CRDs: its version), or first migrate the stored objects and remove the version from status.storedVersions.`,
  };
}

/**
 * The one object of a file's body, as a Terraform expression: split into YAML documents with
 * built-in functions (parts without a top-level `kind`, such as license headers, are skipped),
 * picked by kind and name, without `status` and `metadata.creationTimestamp`.
 */
export function documentOf(body: string, { kind, name }: ManifestDocument): string {
  const documents = `[for part in split("\\n---\\n", ${body}) : yamldecode(part) if length(regexall("(?m)^kind:", part)) > 0]`;
  const withoutServerFields = `{ for key, value in merge(doc, { metadata = { for field, v in doc.metadata : field => v if field != "creationTimestamp" } }) : key => value if key != "status" }`;
  return `one([for doc in ${documents} : ${withoutServerFields} if doc.kind == ${JSON.stringify(kind)} && doc.metadata.name == ${JSON.stringify(name)}])`;
}
