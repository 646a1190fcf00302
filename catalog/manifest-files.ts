/**
 * An upstream YAML file of Kubernetes objects (CRDs, admission policies), pinned by the sha256 of
 * its bytes at a release tag, with the objects it holds.
 */
export interface ManifestDocument {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
}

export interface PinnedManifestFile {
  /** Stable name of the file across releases (e.g. `httproutes`, `gateway-crds`). */
  readonly name: string;
  readonly url: string;
  readonly sha256: string;
  readonly documents: readonly ManifestDocument[];
}

export const CRD_API_VERSION = 'apiextensions.k8s.io/v1';

/** The CustomResourceDefinitions of these names. */
export function crds(...names: string[]): ManifestDocument[] {
  return names.map((name) => ({
    apiVersion: CRD_API_VERSION,
    kind: 'CustomResourceDefinition',
    name,
  }));
}
