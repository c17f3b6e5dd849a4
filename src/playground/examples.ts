/** One of GraphiQL's `defaultTabs`. (No imports: a test validates these against the schema in Node.) */
export interface ExampleTab {
  query: string;
  variables?: string;
}

/**
 * The tabs a first visit opens with (GraphiQL keeps the visitor's own tabs in local storage
 * after that). They work on an empty server, in order: record, upload, then ask for lineage.
 * Lines stay short: the editor is about 60 characters wide on a laptop screen.
 */

const WORKSPACE = 'playground';

const RECORD = `# Welcome to Skein's playground (served by Skein
# itself: it works offline). Ctrl-Enter or the ▶ button
# runs the operation under the cursor. The docs icon
# (top left) shows the whole API.
#
# Record a training step: run these three in order.

# 1. A workspace holds runs and artifacts.
#    (Already there? The CONFLICT error is fine.)
mutation CreateWorkspace {
  createWorkspace(input: { name: "${WORKSPACE}" }) {
    name
  }
}

# 2. A run: one training attempt, with its params.
mutation StartRun {
  startRun(
    input: {
      workspace: "${WORKSPACE}"
      name: "train-rf"
      params: [{ key: "lr", value: 0.01 }]
    }
  ) {
    id
  }
}

# 3. What the training step read (a dataset) and
#    wrote (a model), in one transaction. Paste the
#    id StartRun returned into "run" first.
mutation RecordExecution {
  logArtifact(
    input: {
      workspace: "${WORKSPACE}"
      key: "customers"
      kind: "DATASET"
      dataset: { format: "parquet", rowCount: 120000 }
    }
  ) {
    uri
  }
  recordExecution(
    input: {
      run: "paste the id StartRun returned"
      name: "train"
      codeVersion: "git:1a2b3c"
      inputs: [
        { artifact: "store://artifacts/${WORKSPACE}/customers" }
      ]
      outputs: [
        {
          artifact: {
            key: "model"
            kind: "MODEL"
            model: {
              framework: "sklearn"
              metrics: [{ key: "accuracy", value: 0.93 }]
            }
          }
        }
      ]
    }
  ) {
    id
    outputs {
      edges {
        node {
          artifact {
            uri
            version
          }
        }
      }
    }
  }
}
`;

const UPLOAD = `# Upload a body (the bytes of a file, a model…). They
# never pass through Skein: it hands out signed URLs, the
# client PUTs the bytes straight to the store, and Skein
# checks what landed. (\`skein upload <file|dir>\` does it
# all.) Run the first tab's CreateWorkspace before this.

# 1. Declare the body: its size and SHA-256. These are
#    of a file holding "hello world" and a newline:
#      printf 'hello world\\n' > hello.txt
#      sha256sum hello.txt
#    The answer says how to send it: PUT the file to
#    bodies.url with bodies.headers, e.g. with
#      curl -X PUT --data-binary @hello.txt \\
#        -H 'name: value' … 'url'
mutation CreateUpload {
  createUpload(
    input: {
      artifact: {
        workspace: "${WORKSPACE}"
        key: "notes/hello"
        kind: "FILE"
      }
      body: {
        size: 12
        sha256: "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447"
        contentType: "text/plain"
      }
    }
  ) {
    artifact {
      uri
      state
    }
    alreadyStored
    expiresAt
    bodies {
      method
      url
      headers {
        name
        value
      }
    }
  }
}

# 2. After the PUT: Skein checks the store holds those
#    bytes and marks the artifact AVAILABLE.
mutation CompleteUpload {
  completeUpload(ref: "store://artifacts/${WORKSPACE}/notes/hello") {
    uri
    state
    size
    digest
  }
}
`;

const LINEAGE = `# What was the model made from? Its lineage upstream:
# the execution that wrote it, what that read, and so
# on. (Run the first tab's operations before this one.)
query ModelLineage {
  lineage(
    of: "store://artifacts/${WORKSPACE}/model"
    direction: UPSTREAM
    depth: 3
  ) {
    levels {
      depth
      nodes {
        __typename
        ... on Artifact {
          uri
          kind
          version
        }
        ... on Execution {
          name
          codeVersion
        }
      }
    }
    edges {
      type
      from
      to
    }
  }
}
`;

/**
 * A model's metrics, params and training data in one query (README "One query for a model"; the
 * test test/integration/model-card.test.ts runs exactly this text): the model's own fields, the
 * step that wrote it (its params, what it read, the metrics it wrote beside the model), its run
 * (params, results, the metrics it logged), the training dataset and how that was made, and the
 * whole upstream lineage.
 */
export const MODEL_CARD_QUERY = `# A model's metrics, params and training data, in one
# query. (Run the first tab's operations before this.)
query ModelCard($model: String!) {
  model: artifact(ref: $model) {
    uri
    version
    tags
    createdAt
    ... on ModelArtifact {
      framework
      algorithm
      metrics { key value }
      parameters { key value }
      trainingDataset {
        uri
        ... on DatasetArtifact { format rowCount }
        producer {
          name
          codeVersion
          inputs { edges { node { artifact { uri } } } }
        }
      }
    }
    producer {
      name
      codeVersion
      params { key value }
      results { key value }
      inputs { edges { node { path artifact { uri kind } } } }
      outputs {
        edges {
          node {
            artifact {
              uri
              kind
              ... on MetricsArtifact { values { key value } }
            }
          }
        }
      }
    }
    run {
      uid
      name
      state
      params { key value }
      results { key value }
      latestMetrics { key step value }
    }
  }
  upstream: lineage(of: $model, depth: 6) {
    levels {
      depth
      nodes {
        ... on Artifact { uri kind }
        ... on Execution { name codeVersion }
      }
    }
  }
}
`;

export const EXAMPLE_TABS: ExampleTab[] = [
  { query: RECORD },
  { query: UPLOAD },
  { query: LINEAGE },
  { query: MODEL_CARD_QUERY, variables: `{ "model": "store://artifacts/${WORKSPACE}/model" }` },
];
