import { Field, Float, InputType, Int } from 'type-graphql';
import { LogArtifactInput } from './artifact.input';

@InputType({ description: 'A body to upload, described by its size and SHA-256 (computed by the client first).' })
export class BodyInput {
  @Field(() => Float, { description: 'Its size in bytes.' })
  size!: number;

  @Field({ description: 'Its SHA-256, as 64 lower-case hex digits.' })
  sha256!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Its media type, e.g. "text/csv"; downloads are served with it.',
  })
  contentType?: string | null;

  @Field(() => [String], {
    nullable: true,
    description:
      'Bodies over bodyStore.multipartThreshold only: the SHA-256 (hex) of each bodyStore.partSize-byte part, in order (the last part may be shorter).',
  })
  partSha256?: string[] | null;
}

@InputType({ description: 'One file of a DIRECTORY artifact.' })
export class DirectoryFileInput extends BodyInput {
  @Field({
    description: 'Its path inside the directory, relative and "/"-separated, e.g. "images/train/0001.png"; no "..".',
  })
  path!: string;
}

@InputType({ description: 'An artifact whose body (or directory of files) is uploaded through signed URLs.' })
export class CreateUploadInput {
  @Field(() => LogArtifactInput, {
    description:
      'The artifact, as for logArtifact; leave location, digest, size and contentType out (they come from the body).',
  })
  artifact!: LogArtifactInput;

  @Field(() => BodyInput, { nullable: true, description: 'The body (every kind but DIRECTORY).' })
  body?: BodyInput | null;

  @Field(() => [DirectoryFileInput], { nullable: true, description: 'DIRECTORY only: every file of the tree.' })
  files?: DirectoryFileInput[] | null;

  @Field(() => String, {
    nullable: true,
    description:
      "An artifact path template for this upload, e.g. \"{{workspace}}/{{run.uid}}/{{key}}\"; it wins over the run's, the workspace's and the server's.",
  })
  artifactPath?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'How long the URLs stay valid, in seconds (default and maximum: bodyStore.uploadUrlExpiresIn).',
  })
  expiresIn?: number | null;
}
