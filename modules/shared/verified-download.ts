import { DataHttp } from '@cdktf/provider-http/lib/data-http';
import type { Construct } from 'constructs';

export interface VerifiedDownloadProps {
  /** A URL pinned to a release tag, never a branch. */
  readonly url: string;
  /** sha256 (hex) the body must have. */
  readonly sha256?: string;
  /** Text the body must contain, where no checksum is known (e.g. the release's version stamp). */
  readonly mustContain?: string;
}

/**
 * A file downloaded at plan time (never at synth time) that the plan accepts only with HTTP 200
 * and the expected checksum or content: an upstream change can fail a plan, never slip into it.
 */
export function verifiedDownload(
  scope: Construct,
  id: string,
  props: VerifiedDownloadProps,
): DataHttp {
  const postcondition = [
    {
      condition: '${self.status_code == 200}',
      errorMessage: `Downloading ${props.url} did not return HTTP 200.`,
    },
  ];
  if (props.sha256) {
    postcondition.push({
      condition: `\${sha256(self.response_body) == "${props.sha256}"}`,
      errorMessage: `${props.url} does not have the expected sha256 ${props.sha256}; refusing to use it.`,
    });
  }
  if (props.mustContain) {
    postcondition.push({
      condition: `\${strcontains(self.response_body, "${props.mustContain}")}`,
      errorMessage: `${props.url} does not contain "${props.mustContain}"; refusing to use it.`,
    });
  }
  return new DataHttp(scope, id, { url: props.url, lifecycle: { postcondition } });
}
