import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { DownloadTicket, UploadTarget, UploadTicket } from '../../services/bodies';
import { Artifact, toArtifact } from './artifact.type';
import { DateTimeScalar } from './scalars';
import { BodyStoreKind, PathTemplateSource, type DownloadFileRecord } from '../../domain/body';

registerEnumType(BodyStoreKind, {
  name: 'BodyStoreKind',
  description:
    'S3: an S3-compatible object store. LOCAL: the filesystem of the Skein server, which answers the URLs itself.',
});
registerEnumType(PathTemplateSource, {
  name: 'PathTemplateSource',
  description: 'Where an artifact path template was set; the first of CALL, RUN, WORKSPACE, SERVER wins.',
});

@ObjectType({
  simpleResolvers: true,
  description: 'An HTTP header to send exactly as given (it is part of the signature).',
})
export class HttpHeader {
  @Field({ description: 'The header name.' })
  name!: string;

  @Field({ description: 'The header value.' })
  value!: string;
}

@ObjectType({
  simpleResolvers: true,
  description: 'One part of a multipart upload: PUT exactly these bytes to the URL.',
})
export class UploadPart {
  @Field(() => Int, { description: 'The part number, from 1.' })
  partNumber!: number;

  @Field(() => Float, { description: 'Its size in bytes (sent as Content-Length).' })
  size!: number;

  @Field({ description: 'Its SHA-256 (hex); the store refuses other bytes.' })
  sha256!: string;

  @Field({ description: 'The HTTP method: PUT.' })
  method!: string;

  @Field({ description: 'The signed URL.' })
  url!: string;

  @Field(() => [HttpHeader], { description: 'Headers to send with it.' })
  headers!: HttpHeader[];
}

@ObjectType({
  simpleResolvers: true,
  description: 'One distinct body of an upload and how to upload it, unless already stored.',
})
export class UploadBody {
  @Field({ description: 'Its SHA-256 (hex), as declared.' })
  sha256!: string;

  @Field(() => Float, { description: 'Its size in bytes (sent as Content-Length).' })
  size!: number;

  @Field(() => [String], { description: 'The directory paths holding this body; empty for a single-body artifact.' })
  paths!: string[];

  @Field({ description: 'True when the store already holds this body (verified): nothing to upload.' })
  alreadyStored!: boolean;

  @Field(() => String, { nullable: true, description: 'PUT for a body uploaded whole; null in parts or when stored.' })
  method!: string | null;

  @Field(() => String, { nullable: true, description: 'The signed URL for a body uploaded whole.' })
  url!: string | null;

  @Field(() => [HttpHeader], { description: 'Headers to send with the whole-body PUT.' })
  headers!: HttpHeader[];

  @Field(() => [UploadPart], { description: 'For a body over the multipart threshold: one signed PUT per part.' })
  parts!: UploadPart[];
}

@ObjectType({
  simpleResolvers: true,
  description: 'What createUpload answers: the artifact and where to put its bodies.',
})
export class Upload {
  @Field(() => Artifact, {
    description: 'The artifact: PENDING until completeUpload, or AVAILABLE when nothing needed uploading.',
  })
  artifact!: Artifact;

  @Field({ description: 'True when every body was already stored: no URLs, and the artifact is AVAILABLE.' })
  alreadyStored!: boolean;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the URLs stop working; null when there are none.' })
  expiresAt!: string | null;

  @Field(() => [UploadBody], { description: 'Each distinct body, stored or to upload.' })
  bodies!: UploadBody[];
}

@ObjectType({ simpleResolvers: true, description: 'One file of an artifact to download.' })
export class DownloadFile {
  @Field({ description: 'Where to put it: its path in the directory, or the file name of a single body.' })
  path!: string;

  @Field(() => Float, { nullable: true, description: 'Its size in bytes.' })
  size!: number | null;

  @Field(() => String, { nullable: true, description: 'Its SHA-256 (hex): check the download against it.' })
  sha256!: string | null;

  @Field(() => String, { nullable: true, description: 'Its media type.' })
  contentType!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "A signed GET (or an https reference's own URL); null for a reference Skein cannot sign, e.g. s3:// elsewhere.",
  })
  url!: string | null;

  @Field(() => String, { nullable: true, description: 'Where the body lives (s3://…, file://…, https://…).' })
  location!: string | null;
}

@ObjectType({
  simpleResolvers: true,
  description: 'Signed download URLs for an artifact: its body, or every file of a directory with its path.',
})
export class ArtifactDownload {
  @Field(() => Artifact, { description: 'The artifact.' })
  artifact!: Artifact;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the signed URLs stop working.' })
  expiresAt!: string | null;

  @Field(() => [DownloadFile], { description: 'The files, in path order.' })
  files!: DownloadFile[];
}

@ObjectType({ simpleResolvers: true, description: 'One file of a directory artifact.' })
export class ManifestEntry {
  @Field({ description: 'Its path inside the directory.' })
  path!: string;

  @Field(() => Float, { description: 'Its size in bytes.' })
  size!: number;

  @Field({ description: 'Its SHA-256 (hex), as uploaded.' })
  sha256!: string;

  @Field(() => String, { nullable: true, description: 'Its media type.' })
  contentType!: string | null;

  @Field({
    description:
      "True when the store verified the file's whole SHA-256 itself (false for a multipart body in S3, where each part was verified).",
  })
  digestVerified!: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'The body store and the rules uploads follow.' })
export class BodyStoreInfo {
  @Field(() => BodyStoreKind, { description: 'Where bodies are kept.' })
  kind!: BodyStoreKind;

  @Field(() => Float, { description: 'Bodies larger than this many bytes upload in parts.' })
  multipartThreshold!: number;

  @Field(() => Float, { description: 'The size of every part but the last, in bytes.' })
  partSize!: number;

  @Field(() => Float, { description: 'The largest body accepted, in bytes.' })
  maxUploadBytes!: number;

  @Field(() => Int, { description: 'How long upload URLs stay valid, in seconds (the default and the maximum).' })
  uploadUrlExpiresIn!: number;

  @Field(() => Int, { description: 'How long download URLs stay valid, in seconds (the default and the maximum).' })
  downloadUrlExpiresIn!: number;

  @Field(() => Int, { description: 'PENDING uploads older than this many seconds are aborted.' })
  uploadTtl!: number;

  @Field({ description: "The server's artifact path template." })
  artifactPath!: string;
}

@ObjectType({ simpleResolvers: true, description: 'The artifact path template that applies, and where it was set.' })
export class ArtifactPathTemplate {
  @Field({
    description:
      'e.g. "{{workspace}}/{{run.uid}}/{{key}}"; variables: workspace, run.uid, run.name, key, version, artifact.uid.',
  })
  template!: string;

  @Field(() => PathTemplateSource, { description: 'Where it was set.' })
  source!: PathTemplateSource;
}

const headers = (h: Record<string, string>): HttpHeader[] =>
  Object.entries(h).map(([name, value]) => ({ name, value }));

function toUploadBody(t: UploadTarget): UploadBody {
  return {
    sha256: t.sha256,
    size: t.size,
    paths: t.paths,
    alreadyStored: t.alreadyStored,
    method: t.request?.method ?? null,
    url: t.request?.url ?? null,
    headers: headers(t.request?.headers ?? {}),
    parts: t.parts.map((p) => ({ ...p, headers: headers(p.headers) })),
  };
}

export function toUpload(t: UploadTicket): Upload {
  return {
    artifact: toArtifact(t.artifact),
    alreadyStored: t.alreadyStored,
    expiresAt: t.expiresAt,
    bodies: t.bodies.map(toUploadBody),
  };
}

export function toArtifactDownload(d: DownloadTicket): ArtifactDownload {
  return {
    artifact: toArtifact(d.artifact),
    expiresAt: d.expiresAt,
    files: d.files.map((f: DownloadFileRecord) => ({ ...f })),
  };
}
