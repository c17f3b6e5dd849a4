// graphql-ws publishes its `ws` adapter only under package.json "exports" (`graphql-ws/use/ws`),
// which this project's node10 module resolution does not read (Node itself does, at run time):
// its types are named here by file.
declare module 'graphql-ws/use/ws' {
  export * from 'graphql-ws/dist/use/ws';
}
