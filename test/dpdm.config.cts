// Import-cycle check for `npm run lint` (dpdm). Any cycle in src/ fails the lint, type-only
// imports included: layers talk through events and interfaces on Services, not by importing
// each other (publish and the tree once did, issue #14).
// A .cts file: dpdm 4.3 loads TypeScript configs, but fails to load .mjs/.js ones.
module.exports = {
  files: ['src/**/*.ts'],
  tree: false,
  warning: false,
  progress: false,
  exitCode: 'circular:1',
  // Deliberate factory recursion, each edge listed as ISSUER:DEPENDENCY. Nothing else belongs here.
  skipImports: [
    // A project node's children are projects, workbooks and data sources, built by
    // nodesFromEntries, which makes project nodes: a tree is recursive. Both halves only
    // call each other inside getChildren(), never while the modules load.
    'src/vscode/tree/nodes/fromEntries.ts:src/vscode/tree/nodes/projectNode.ts',
    // A workbook node's children are view nodes built by the same factory, which also
    // makes workbook nodes (a project holds workbooks). Called inside getChildren() only.
    'src/vscode/tree/nodes/fromEntries.ts:src/vscode/tree/nodes/workbookNode.ts',
  ],
};
