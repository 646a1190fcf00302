/**
 * Gateway API releases: the standard-channel files of each release and their sha256.
 * Source: kubernetes-sigs/gateway-api, `config/crd/standard/gateway.networking.k8s.io_<name>.yaml`
 * at each release tag (checksums of the exact bytes at the tag). The release asset
 * `standard-install.yaml` carries its build year and cannot be pinned; these files are the same
 * documents, one per file. `vap_safeupgrades` is a ValidatingAdmissionPolicy (and its binding),
 * every other file one CRD named `<name>.gateway.networking.k8s.io`.
 */

import { crds } from './manifest-files';
import type { ManifestDocument, PinnedManifestFile } from './manifest-files';

/** sha256 of each standard-channel file, by the file's name part (`httproutes`, …). */
const STANDARD_FILES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'v1.3.0': {
    gatewayclasses: '7c8ee2c1878d9dcc6ba106181e3d14d7eaa520ec070233d62f3aa0d674d19450',
    gateways: 'c949e7c3951227b92a582817a7a660558ce0fb94c081da264b4e2bbe4a1e5387',
    grpcroutes: '5867279c3cfd77377fe7e9255b22751f17592242b9b5e7485c74b13b268d13c5',
    httproutes: 'a4ecf600c7e0bfd3cdb24e6411938d9b330117a26675f303cc6d9a407cb257d1',
    referencegrants: '7587b2e7e5b1b9a26717b3ef8142f64e6600637eadf481a6bd0031740644b495',
  },
  'v1.5.0': {
    backendtlspolicies: '8745415ae5c092aa44513cfcd3255760d57a5d17f42227f226eadd35856bc2bf',
    gatewayclasses: '7b84226d27349bf2a15101242197aa7071962d4721714c1c7aabba57c57f81d1',
    gateways: '2377a440b259c47d0fe5c052b5cc0fb7d2a497718392b1043a985b4bdb5a3d9f',
    grpcroutes: '62c22830b25e30ef5fd725f95d04d1f38e037a947d557115df83fa41dac20a79',
    httproutes: 'b53571cb0ebec76f61e42ef634f10dd53988982ecbc23f137f61ae560978fb60',
    listenersets: '3d1dec3c5dd0ed432a38c85dcb480d54827d84fa9141e7886148fdd7cf0049a9',
    referencegrants: 'b777920af820b1a61e0cf9f141f14c09f61338d848abfed177ade3629481c4fe',
    tlsroutes: '32e2f858418df10f30d7fd919c810138de12734ceca4f83e4e061d9f309a7423',
    vap_safeupgrades: '981a4da92706cb567c051e006ff229429947f054b90cd0719c297abe14f958a1',
  },
  'v1.5.1': {
    backendtlspolicies: '9b8818172153d72f9c84032db0be0a4a657277d13f5bbc22226ad9481ff57971',
    gatewayclasses: '234ad4b2757ee1b3596a4187bb98df071c5bbdd9e1806f692f2dbf8387e6bef4',
    gateways: '7416e8300eb4d8c0a71a23445609075bbacbe8bc80104584b019cfe1ebe77c31',
    grpcroutes: '979f4125d44d3df24659ba00d1d04ff8e76c45423193e8aae82dd5810d7827df',
    httproutes: '682203b109baecb18d38073a578f7bc2c17d22fe9b0c27bf030850abe014c370',
    listenersets: '9221468d19fdfbb0026113b1ef64abac64f27607975aff2410361b8b38f0e0bb',
    referencegrants: 'a8902c486eed0b7339f5bb8a476ccaba0918eb038048402bdc01cbb69b0fbb51',
    tlsroutes: '818e4827c469a40e2527a2851591e656782c50fea8dd44812c900d219da09345',
    vap_safeupgrades: '981a4da92706cb567c051e006ff229429947f054b90cd0719c297abe14f958a1',
  },
  'v1.6.0': {
    backendtlspolicies: '05dd20abea3eb1b5108b9a842a8482d5099db24bd9047bfd3965c7f27a047db7',
    gatewayclasses: 'a09b320e69257056e34f268160f883e98d4da9b8786fff3463484ba5fda719df',
    gateways: '7dcaf56db92b197207bc149f049c1be0208bedc8608a56905900d3bfc71b8632',
    grpcroutes: 'a97b717e425979726039c813f308f8ab9686e5478ee5072eec5f94ec61db3bf5',
    httproutes: '8c05f321e53b5df6aa4bdbf622a01db9c331f26d7b9723b0fc47001c1341858a',
    listenersets: '2dc80892f2bf636bd678e504bca04f52856f21eef2202091ea842ef39b52339f',
    referencegrants: '37ab52cd8db78fb1fe14140aba96b64f6012a1fb6eb9b98daa321adb57b42f17',
    tcproutes: 'a4659f3e1fd7cdd21c44757d9f0febef930dac4fe5f0430c857d5eb853d6e686',
    tlsroutes: 'b3f7a900cb767b7be07fec6d277afe43a9b1db36053fef95beacccb1190fa6ca',
    udproutes: '33250d34719f05cd1791e5ea2f36d2c8323f6828c204643c53734df41d3d6e1b',
    vap_safeupgrades: 'f3c4889dc8ad81a76b3c99b43462d492c8396de7c1387dbfb818edaf24841261',
  },
  'v1.6.1': {
    backendtlspolicies: '0d48c9e4b53dd9510cf615b9b1192d9d7afb07a1cc0498c9515627cb1c075419',
    gatewayclasses: '53710048ba26f8620eed59d5e51b157ecf040daf5c6eef31a4b991e0808c4be5',
    gateways: '25b885f5870b8fff1ae82efa2628b2761cef3745900c2aecf8fb76629a01255a',
    grpcroutes: '53a8d029da8f07e55d3fa58a5cf6de5950dab19fbb8d6a8082fb5e51ca5ef6fc',
    httproutes: 'a424a0d6c953b162e71d1d97bb7e75012d8f1ac264e7274f2763d1b96ab39852',
    listenersets: 'bf4d4b02564999b2558b96e31465129895db9b3a8adfb90adb9c80eac52a3a70',
    referencegrants: '8c645e9333cfa67790cc2a53e0c00076f88b2bd4230d2b49688c78bc34f9b2c3',
    tcproutes: 'd5104d0cf30e924f5e3c9e2e76abd46876401c34ca33b9e79321523eee78c7f6',
    tlsroutes: 'bb8b67926e5d9652cbfd2e19063b7c1d9e78806c9dd671608f57baef2f2e3bbb',
    udproutes: '4b80684c2bf8ef4b0a2a3ab45164ac9f96258fc69912645ff50ced595b0aa6de',
    vap_safeupgrades: 'afb0ea1b3cc2e9344d93b0926fbe741aeb48ab4439f9f7b4b77b9ac94faf6c2e',
  },
};

export interface GatewayApiRelease {
  readonly version: string;
  /** The standard-channel files at the release tag, pinned, with the objects each holds. */
  readonly standardFiles: readonly PinnedManifestFile[];
  /** Resource names (plural) of the CRDs in the standard channel, e.g. `httproutes`. */
  readonly standardResources: readonly string[];
}

/**
 * The standard channel serves no alpha API version: TLSRoute, TCPRoute and UDPRoute are served as
 * v1 only (their v1alpha2 is `served: false` in the standard files of v1.5.0 to v1.6.1).
 */
export function servedInStandardChannel(
  release: GatewayApiRelease,
  resource: string,
  version: string,
): boolean {
  return release.standardResources.includes(resource) && !/alpha/.test(version);
}

export const GATEWAY_API_VERSIONS = Object.keys(STANDARD_FILES);

export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

/** GatewayClass: cluster-scoped, served as v1 by every catalogued release. */
export const GATEWAY_CLASS = {
  apiVersion: `${GATEWAY_API_GROUP}/v1`,
  kind: 'GatewayClass',
  crd: `gatewayclasses.${GATEWAY_API_GROUP}`,
} as const;

/**
 * What a standard-channel file holds: one CRD, named `<file>.gateway.networking.k8s.io`, except
 * `vap_safeupgrades`: the ValidatingAdmissionPolicy that refuses CRD downgrades, and its binding
 * (checked at every catalogued tag).
 */
function documentsOf(file: string): ManifestDocument[] {
  if (file !== 'vap_safeupgrades') return crds(`${file}.${GATEWAY_API_GROUP}`);
  const apiVersion = 'admissionregistration.k8s.io/v1';
  const name = `safe-upgrades.${GATEWAY_API_GROUP}`;
  return [
    { apiVersion, kind: 'ValidatingAdmissionPolicy', name },
    { apiVersion, kind: 'ValidatingAdmissionPolicyBinding', name },
  ];
}

function standardFileUrl(version: string, file: string): string {
  return `https://raw.githubusercontent.com/kubernetes-sigs/gateway-api/${version}/config/crd/standard/${GATEWAY_API_GROUP}_${file}.yaml`;
}

/** The catalogued Gateway API release, or undefined. */
export function gatewayApiRelease(version: string): GatewayApiRelease | undefined {
  const files = STANDARD_FILES[version];
  if (!files) return undefined;
  return {
    version,
    standardFiles: Object.entries(files).map(([name, sha256]) => ({
      name,
      url: standardFileUrl(version, name),
      sha256,
      documents: documentsOf(name),
    })),
    standardResources: Object.keys(files).filter((name) => name !== 'vap_safeupgrades'),
  };
}

/** Every object any catalogued release puts in the standard channel, by file. */
export const ALL_STANDARD_FILES: readonly {
  name: string;
  documents: readonly ManifestDocument[];
}[] = [...new Set(Object.values(STANDARD_FILES).flatMap((files) => Object.keys(files)))]
  .sort()
  .map((name) => ({ name, documents: documentsOf(name) }));

/**
 * The annotation with which every object of a Gateway API release names that release
 * (`config/crd/standard/*.yaml` at each tag). From v1.5.0 the `safe-upgrades` admission policy
 * refuses CRDs whose annotation names an older minor release than its own.
 */
export const BUNDLE_VERSION_ANNOTATION = 'gateway.networking.k8s.io/bundle-version';
