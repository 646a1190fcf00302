import type { DataHttp } from '@cdktf/provider-http/lib/data-http';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { TerraformIterator, Token } from 'cdktf';
import { Construct } from 'constructs';
import type { LbcGatewaySupport } from '../../catalog/aws-load-balancer-controller';
import { ReleasedResource } from '../shared/released-resource';
import { verifiedDownload } from '../shared/verified-download';

/** Construct ids of the CRD sets: part of their Terraform addresses. */
const MANIFESTS = { gatewayApi: 'gateway-api', lbcGateway: 'lbc-gateway' } as const;

/**
 * The CRDs the controller's Gateway API support needs, downloaded at plan time from pinned
 * releases and applied server-side, one `kubernetes_manifest` per document:
 * - the Gateway API standard channel of the version the controller is built for (checked for its
 *   own bundle-version stamp);
 * - the controller's gateway.k8s.aws CRDs at its tag (checked by sha256). The chart ships them too,
 *   but Helm installs chart CRDs only on first install, never on upgrade.
 * The controller checks for these CRDs once at start-up, so its release must depend on `manifests`.
 */
export class GatewayApiCrds extends Construct {
  readonly manifests: Manifest[];

  constructor(scope: Construct, id: string, support: LbcGatewaySupport) {
    super(scope, id);
    const bundle = verifiedDownload(this, 'gateway-api-bundle', {
      url: support.bundleUrl,
      mustContain: support.bundleStamp,
    });
    const lbcCrds = verifiedDownload(this, 'lbc-gateway-crds', support.lbcCrds);
    this.manifests = [
      applyEachDocument(this, MANIFESTS.gatewayApi, bundle),
      applyEachDocument(this, MANIFESTS.lbcGateway, lbcCrds),
    ];
  }

  /**
   * Without Gateway API support the CRDs stay in the cluster: Terraform forgets them (`removed`,
   * destroy = false) instead of deleting them, since deleting a CRD deletes every object of its
   * kinds, in every application. Where they were never installed, this does nothing.
   */
  static release(scope: Construct, id: string): void {
    for (const manifest of Object.values(MANIFESTS)) {
      new ReleasedResource(scope, `${id}-${manifest}-released`, {
        type: 'kubernetes_manifest',
        path: [id, manifest],
      });
    }
  }
}

/**
 * One server-side-applied manifest per YAML document of a download, keyed `<kind>/<name>`.
 * Documents are split with built-in functions (no provider-defined function); parts without a
 * top-level `kind` (license headers, comments) are skipped. The `status` stub some CRD files carry is dropped:
 * kubernetes_manifest rejects it, and the API server ignores it anyway.
 */
function applyEachDocument(scope: Construct, id: string, download: DataHttp): Manifest {
  const decoded = `[for part in split("\\n---\\n", ${download.fqn}.response_body) : yamldecode(part) if length(regexall("(?m)^kind:", part)) > 0]`;
  const documents = Token.asAnyMap(
    `\${{ for doc in ${decoded} : format("%s/%s", doc.kind, doc.metadata.name) => { for key, value in doc : key => value if key != "status" } }}`,
  );
  const each = TerraformIterator.fromMap(documents);
  return new Manifest(scope, id, {
    forEach: each,
    manifest: each.value,
    fieldManager: { name: 'eks-edge', forceConflicts: true },
  });
}
