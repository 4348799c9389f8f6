/**
 * A small stand-in for the `vscode` module, enough for the editor's context, configuration and
 * commands to run under node:test. Settings answer package.json's defaults, as VS Code does.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

type Listener<T> = (e: T) => unknown;

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (listener: Listener<T>) => {
    this.listeners.push(listener);
    return new Disposable(() => (this.listeners = this.listeners.filter((l) => l !== listener)));
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class Disposable {
  constructor(private readonly done: () => void = () => {}) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((d) => d.dispose()));
  }
  dispose(): void {
    this.done();
  }
}

export class Position {
  constructor(readonly line: number, readonly character: number) {}
}

export class Range {
  constructor(readonly start: Position, readonly end: Position) {}
}

export class Uri {
  private constructor(readonly scheme: string, readonly path: string, readonly fragment = '') {}
  get fsPath(): string {
    return this.path;
  }
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  /** A notebook cell's document URI, as VS Code makes it (the notebook's path, the cell in the fragment). */
  static cell(notebookPath: string, fragment: string): Uri {
    return new Uri('vscode-notebook-cell', notebookPath, fragment);
  }
  toString(): string {
    return `${this.scheme}://${this.path}${this.fragment ? `#${this.fragment}` : ''}`;
  }
}

/** A text document whose edits the test makes (version + 1 per edit, as VS Code counts). */
export class FakeDocument {
  version = 1;
  readonly languageId = 'python';
  readonly uri: Uri;
  constructor(readonly fileName: string, private text: string, uri?: Uri) {
    this.uri = uri ?? Uri.file(fileName);
  }
  getText(): string {
    return this.text;
  }
  offsetAt(p: Position): number {
    const lines = this.text.split('\n');
    return lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  }
  positionAt(offset: number): Position {
    const before = this.text.slice(0, offset).split('\n');
    return new Position(before.length - 1, before[before.length - 1].length);
  }
  /** Inserts `insert` at `offset` and tells the workspace, as typing does. */
  type(offset: number, insert: string): void {
    this.text = this.text.slice(0, offset) + insert + this.text.slice(offset);
    this.version++;
    changed.fire({ document: this, contentChanges: [{ rangeOffset: offset, rangeLength: 0, text: insert }] });
  }
}

const packageJson = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
const contributed: Record<string, { type: string; default: unknown }> = packageJson.contributes.configuration.properties;
/** Settings the test sets (full keys, `convlens.seed`); others answer their package.json default. */
export const settings = new Map<string, unknown>();

const opened = new EventEmitter<FakeDocument>();
const changed = new EventEmitter<{ document: FakeDocument; contentChanges: { rangeOffset: number; rangeLength: number; text: string }[] }>();
const closed = new EventEmitter<FakeDocument>();
const configChanged = new EventEmitter<{ affectsConfiguration(section: string): boolean }>();
const notebookOpened = new EventEmitter<FakeNotebook>();
const notebookChanged = new EventEmitter<{ notebook: FakeNotebook; contentChanges: unknown[] }>();
const notebookClosed = new EventEmitter<FakeNotebook>();

export const NotebookCellKind = { Markup: 1, Code: 2 };

/** A notebook of code cells (each a FakeDocument with a cell URI), in the order given. */
export class FakeNotebook {
  readonly uri: Uri;
  readonly cells: { kind: number; index: number; document: FakeDocument }[];
  constructor(path: string, texts: string[]) {
    this.uri = Uri.file(path);
    this.cells = texts.map((t, index) => ({ kind: NotebookCellKind.Code, index, document: new FakeDocument(`${path}#c${index}`, t, Uri.cell(path, `c${index}`)) }));
  }
  getCells() {
    return this.cells;
  }
}

export const workspace = {
  textDocuments: [] as FakeDocument[],
  onDidOpenTextDocument: opened.event,
  onDidChangeTextDocument: changed.event,
  onDidCloseTextDocument: closed.event,
  onDidChangeConfiguration: configChanged.event,
  notebookDocuments: [] as FakeNotebook[],
  onDidOpenNotebookDocument: notebookOpened.event,
  onDidChangeNotebookDocument: notebookChanged.event,
  onDidCloseNotebookDocument: notebookClosed.event,
  getConfiguration(section: string) {
    return {
      get<T>(key: string, fallback?: T): T | undefined {
        const full = `${section}.${key}`;
        if (settings.has(full)) return settings.get(full) as T;
        return full in contributed ? (contributed[full].default as T) : fallback;
      },
      async update(key: string, value: unknown): Promise<void> {
        settings.set(`${section}.${key}`, value);
        configChanged.fire({ affectsConfiguration: (s) => `${section}.${key}`.startsWith(s) });
      },
    };
  },
};

export const window = {
  errors: [] as string[],
  async showErrorMessage(message: string): Promise<undefined> {
    window.errors.push(message);
    return undefined;
  },
};

export const ConfigurationTarget = { Global: 1, Workspace: 2, WorkspaceFolder: 3 };
export const DiagnosticSeverity = { Error: 0, Warning: 1, Information: 2, Hint: 3 };

export class Diagnostic {
  source?: string;
  code?: string;
  constructor(readonly range: Range, readonly message: string, readonly severity: number) {}
}

/** Every diagnostics list published (by any collection), in order. */
export const publishedDiagnostics: { uri: string; diagnostics: Diagnostic[] }[] = [];

/** Test helpers: open and close documents as the editor would. */
export const fake = {
  open(doc: FakeDocument): void {
    workspace.textDocuments.push(doc);
    opened.fire(doc);
  },
  close(doc: FakeDocument): void {
    workspace.textDocuments = workspace.textDocuments.filter((d) => d !== doc);
    closed.fire(doc);
  },
  /** Opens a notebook: its cell documents open first, then the notebook, as VS Code does. */
  openNotebook(nb: FakeNotebook): void {
    workspace.notebookDocuments.push(nb);
    for (const c of nb.cells) fake.open(c.document);
    notebookOpened.fire(nb);
  },
  closeNotebook(nb: FakeNotebook): void {
    workspace.notebookDocuments = workspace.notebookDocuments.filter((n) => n !== nb);
    for (const c of nb.cells) fake.close(c.document);
    notebookClosed.fire(nb);
  },
  contributed,
};

// What activate() registers: providers and commands are kept (a test may call a command), never shown.
export const StatusBarAlignment = { Left: 1, Right: 2 };
export const ProgressLocation = { SourceControl: 1, Window: 10, Notification: 15 };
export const CodeActionKind = { QuickFix: 'quickfix', RefactorRewrite: 'refactor.rewrite' };

export class CancellationTokenSource {
  private readonly cancelled = new EventEmitter<void>();
  readonly token = { isCancellationRequested: false, onCancellationRequested: this.cancelled.event };
  cancel(): void {
    if (this.token.isCancellationRequested) return;
    this.token.isCancellationRequested = true;
    this.cancelled.fire();
  }
  dispose(): void {
    this.cancelled.dispose();
  }
}

const registered = () => new Disposable();
export const languages = {
  createDiagnosticCollection: () => ({
    set(uri: Uri, diagnostics: Diagnostic[]) {
      publishedDiagnostics.push({ uri: uri.toString(), diagnostics });
    },
    delete() {},
    dispose() {},
  }),
  registerHoverProvider: registered,
  registerInlayHintsProvider: registered,
  registerCodeLensProvider: registered,
  registerCodeActionsProvider: registered,
};

const commandHandlers = new Map<string, (...args: unknown[]) => unknown>();
export const commands = {
  registerCommand(id: string, handler: (...args: unknown[]) => unknown): Disposable {
    commandHandlers.set(id, handler);
    return new Disposable(() => commandHandlers.delete(id));
  },
  async executeCommand(id: string, ...args: unknown[]): Promise<unknown> {
    return commandHandlers.get(id)?.(...args);
  },
};

Object.assign(workspace, { isTrusted: true, asRelativePath: (p: Uri | string) => (typeof p === 'string' ? p : p.fsPath) });
Object.assign(window, {
  activeTextEditor: undefined,
  onDidChangeActiveTextEditor: new EventEmitter<unknown>().event,
  onDidChangeTextEditorSelection: new EventEmitter<unknown>().event,
  createStatusBarItem: () => ({ show() {}, hide() {}, dispose() {} }),
  registerWebviewViewProvider: registered,
  registerCustomEditorProvider: registered,
  async showInformationMessage(): Promise<undefined> {
    return undefined;
  },
  async showWarningMessage(): Promise<undefined> {
    return undefined;
  },
  /** Runs the task at once, with a token nobody cancels. */
  withProgress<T>(_options: unknown, task: (progress: { report(v: unknown): void }, token: CancellationTokenSource['token']) => Promise<T>): Promise<T> {
    return task({ report() {} }, new CancellationTokenSource().token);
  },
});
