import { DataAwsRoute53Zone } from '@cdktf/provider-aws/lib/data-aws-route53-zone';
import type { Construct } from 'constructs';
import type { HostedZone } from '../../config/model';

/** The ids of `zones`: as configured, or looked up by name and privacy at plan time. */
export function hostedZoneIds(scope: Construct, zones: readonly HostedZone[]): string[] {
  return zones.map(
    (zone) =>
      zone.id ??
      new DataAwsRoute53Zone(scope, `zone-${zone.name}`, {
        name: zone.name,
        privateZone: zone.private,
      }).zoneId,
  );
}
