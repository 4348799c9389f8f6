/**
 * The dependency direction of ConvLens, checked by `npm run depcheck` (part of `npm test`).
 * See ARCHITECTURE.md. Layers, lowest first:
 *   kernels/            layer kinds and ONNX node building: no imports from extension/
 *   extension/engine/   parse, trace, graph, analysis, views, lowering: no editor, CLI or runtime
 *   extension/runtime/  ONNX Runtime runs;  extension/cli/  the CLI;  extension/editor/  VS Code
 *   webview/            the browser bundle: its own files and its message protocol only
 * Only extension/editor imports `vscode`. No import cycles anywhere.
 */
/**
 * Modules whose cycles are known and allowed, each for a reason; any cycle through another module fails.
 * - engine/trace: the interpreter's mutual recursion (an expression calls a function whose body is
 *   statements of expressions); splitting it would need callbacks through a context object.
 */
const KNOWN_CYCLES = [
  '^extension/engine/trace/',
];

module.exports = {
  forbidden: [
    {
      name: 'vscode-only-in-editor',
      comment: 'Only extension/editor may import vscode: the engine, kernels, CLI and runtime run without an editor.',
      severity: 'error',
      from: { pathNot: '^extension/editor/' },
      to: { path: '^vscode$' },
    },
    {
      name: 'kernels-import-no-extension',
      comment: 'Layer kinds know Keras, not the engine, editor, runtime or CLI that use them.',
      severity: 'error',
      from: { path: '^kernels/' },
      to: { path: '^extension/' },
    },
    {
      name: 'engine-imports-no-app',
      comment: 'The engine is shared by the CLI, the editor, the run worker and bench: it imports none of them.',
      severity: 'error',
      from: { path: '^extension/engine/' },
      // Known exception (type-only): the run view model is built from the run job's result type;
      // it goes when the one run/export job API gives the run result its own protocol type.
      to: { path: '^extension/(editor|cli|runtime)/', pathNot: '^extension/runtime/run_job\\.ts$' },
    },
    {
      name: 'webview-imports-protocol-only',
      comment: 'The webview is a browser bundle fed plain JSON: it imports its own files and npm packages, never the engine or kernels.',
      severity: 'error',
      from: { path: '^webview/' },
      to: { pathNot: '^(webview/|node_modules/)' },
    },
    {
      name: 'no-circular',
      comment: 'Import cycles make the layering meaningless and initialisation order fragile.',
      severity: 'error',
      from: {},
      // A cycle is allowed only when all its modules are known exceptions (KNOWN_CYCLES).
      to: { circular: true, via: { pathNot: KNOWN_CYCLES.join('|') } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|test/corpus|\\.keras-oracle)' },
    tsConfig: { fileName: 'tsconfig.json' },
    parser: 'swc',
    // Worktrees often link node_modules from elsewhere: keep npm packages named node_modules/...
    preserveSymlinks: true,
    enhancedResolveOptions: { extensions: ['.ts', '.mjs', '.js', '.json'] },
  },
};
