import type { PolicyCondition, PolicyStatement } from './iam-policy-json';
import type { TxtAffix } from '../model';

/** What one ExternalDNS instance may do in Route 53. */
export interface Route53Scope {
  /** ARNs of the hosted zones it reads and changes. */
  readonly zoneArns: readonly string[];
  /** Their names: a TXT registry name outside them is never written. */
  readonly zoneNames: readonly string[];
  /** Names whose records (and their subdomains') it may change, when restricted. */
  readonly recordNames?: readonly string[];
  /** Record types it may change, when restricted. */
  readonly recordTypes?: readonly string[];
  /** The types it manages (`--managed-record-types`): its TXT registry names follow them. */
  readonly managedTypes: readonly string[];
  readonly txtAffix?: TxtAffix;
}

/** A caller of a shared role: what only its sessions carry, and a name for its statements. */
export interface Route53Caller {
  readonly sid: string;
  readonly conditions: readonly PolicyCondition[];
}

/**
 * The names a restricted instance may change: each allowed name, everything under it, and the
 * TXT registry names of the allowed name itself (`a-www.example.com` for `www.example.com`: a
 * sibling in the parent zone, not under the name) where they lie in one of its zones (ExternalDNS
 * skips a change outside them, provider/aws/aws.go:1319-1321 at v0.21.0). Nothing broader.
 */
export function allowedRecordNames(scope: Route53Scope): string[] {
  const names = (scope.recordNames ?? []).flatMap((name) => {
    const registry = registryTypes(scope.managedTypes)
      .map((type) => txtRecordName(name, type, scope.txtAffix))
      .filter(
        (txt) =>
          !isWithinDomain(txt, name) && scope.zoneNames.some((zone) => isWithinDomain(txt, zone)),
      );
    return [name, `*.${name}`, ...registry];
  });
  return [...new Set(names)];
}

/**
 * The statements of one instance on its own zones: `ChangeResourceRecordSets`, optionally
 * narrowed by record name and type, and the reads ExternalDNS makes of those zones only:
 * `ListResourceRecordSets` for the zones that pass its filters (provider/aws/aws.go:509-515 at
 * v0.21.0; the project always sets `--zone-id-filter`), `ListTagsForResources` for them only with
 * `--aws-zone-tags` (aws.go:438-453).
 */
export function zoneAccessStatements(
  scope: Route53Scope,
  caller?: Route53Caller,
): PolicyStatement[] {
  const conditions: PolicyCondition[] = [];
  if (scope.recordNames?.length) {
    conditions.push({
      test: 'ForAllValues:StringLike',
      variable: 'route53:ChangeResourceRecordSetsNormalizedRecordNames',
      values: allowedRecordNames(scope),
    });
  }
  if (scope.recordTypes?.length) {
    conditions.push({
      test: 'ForAllValues:StringEquals',
      variable: 'route53:ChangeResourceRecordSetsRecordTypes',
      values: [...scope.recordTypes],
    });
  }
  const callerConditions = caller ? [...caller.conditions] : [];
  const sid = caller?.sid ?? '';
  const all = [...conditions, ...callerConditions];
  return [
    {
      sid: `ChangeRecordsInManagedZones${sid}`,
      effect: 'Allow',
      actions: ['route53:ChangeResourceRecordSets'],
      resources: [...scope.zoneArns],
      condition: all.length > 0 ? all : undefined,
    },
    {
      sid: `ReadManagedZones${sid}`,
      effect: 'Allow',
      actions: ['route53:ListResourceRecordSets', 'route53:ListTagsForResources'],
      resources: [...scope.zoneArns],
      condition: callerConditions.length > 0 ? callerConditions : undefined,
    },
  ];
}

/**
 * `ListHostedZones` on `*`: Route 53 does not scope it to resources, and ExternalDNS lists every
 * zone to filter them itself (provider/aws/aws.go:405-454 at v0.21.0).
 */
export const LIST_HOSTED_ZONES: PolicyStatement = {
  sid: 'ListHostedZones',
  effect: 'Allow',
  actions: ['route53:ListHostedZones'],
  resources: ['*'],
};

/** The Route 53 permissions of one instance, wherever they are granted. */
export function route53AccessStatements(scope: Route53Scope): PolicyStatement[] {
  return [...zoneAccessStatements(scope), LIST_HOSTED_ZONES];
}

/** True when `name` is `domain` or a name under it. */
export function isWithinDomain(name: string, domain: string): boolean {
  return name === domain || name.endsWith(`.${domain}`);
}

export function hostedZoneArn(partition: string, zoneId: string): string {
  return `arn:${partition}:route53:::hostedzone/${zoneId}`;
}

// ---------------------------------------------------------------------------------------------
// The names of the TXT records ExternalDNS's TXT registry writes next to each record it owns.
// Source: kubernetes-sigs/external-dns v0.21.0, registry/mapper/mapper.go:88-110
// (`AffixNameMapper.ToTXTName`) and registry/txt/registry.go:306-330 (one TXT record per owned
// record, in the new format only; an alias A record is registered as type `cname`).

const RECORD_TYPE_TEMPLATE = '%{record_type}';

/** `ToTXTName`: the TXT name of a record `dnsName` of `recordType`. */
export function txtRecordName(dnsName: string, recordType: string, affix?: TxtAffix): string {
  const [first, rest] = splitFirstLabel(dnsName.toLowerCase());
  const type = recordType.toLowerCase();
  const rawPrefix = affix && 'prefix' in affix ? affix.prefix.toLowerCase() : '';
  const rawSuffix = affix && 'suffix' in affix ? affix.suffix.toLowerCase() : '';
  const typeInAffix = `${rawPrefix}${rawSuffix}`.includes(RECORD_TYPE_TEMPLATE);
  const prefix = rawPrefix.replaceAll(RECORD_TYPE_TEMPLATE, type);
  const suffix = rawSuffix.replaceAll(RECORD_TYPE_TEMPLATE, type);
  const label = typeInAffix ? first : `${type}-${first}`;
  return rest === undefined ? `${prefix}${label}${suffix}` : `${prefix}${label}${suffix}.${rest}`;
}

function splitFirstLabel(name: string): [string, string | undefined] {
  const dot = name.indexOf('.');
  return dot < 0 ? [name, undefined] : [name.slice(0, dot), name.slice(dot + 1)];
}

/**
 * The types the registry names its TXT records after, for the record types an instance manages:
 * each in lower case, and `cname` for A (an alias A record is registered as `cname`).
 */
export function registryTypes(managedTypes: readonly string[]): string[] {
  const types = managedTypes.filter((t) => t !== 'TXT').map((t) => t.toLowerCase());
  return [...new Set(types.includes('a') ? [...types, 'cname'] : types)];
}
