/** Makes `import 'vscode'` load fake_vscode.ts (import this before any extension/editor module). */
import Module from 'node:module';
import path from 'node:path';

const fakePath = path.join(__dirname, 'fake_vscode.ts');
const resolve = (Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string })._resolveFilename;
(Module as unknown as { _resolveFilename: typeof resolve })._resolveFilename = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? fakePath : resolve.call(this, request, ...rest);
};
