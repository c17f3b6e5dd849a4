export const PathTemplateSource = { CALL: 'CALL', RUN: 'RUN', WORKSPACE: 'WORKSPACE', SERVER: 'SERVER' } as const;
export type PathTemplateSource = (typeof PathTemplateSource)[keyof typeof PathTemplateSource];
export interface ManifestEntryRecord {
  path: string;
  size: number;
  sha256: string;
  contentType: string | null;
  /** True when the store verified this file's whole SHA-256 itself. */
  digestVerified: boolean;
}
export interface DownloadFileRecord {
  path: string;
  size: number | null;
  sha256: string | null;
  contentType: string | null;
  /** A signed GET (or a reference's own https URL); null when Skein cannot sign it. */
  url: string | null;
  location: string | null;
}
