// What the status bar item shows for each state of the language server. No `vscode` import here.

export type ServerStatus = 'starting' | 'running' | 'stopped';

export interface StatusPresentation {
  readonly text: string;
  readonly tooltip: string;
  /** A ThemeColor id for the item's background, if it should stand out. */
  readonly background: string | undefined;
}

export function presentStatus(status: ServerStatus, detail?: string): StatusPresentation {
  const suffix = detail === undefined || detail === '' ? '' : `\n${detail}`;
  switch (status) {
    case 'starting':
      return {
        text: '$(sync~spin) IL-2',
        tooltip: `IL-2 language server: starting${suffix}\nClick to restart it.`,
        background: undefined,
      };
    case 'running':
      return {
        text: '$(check) IL-2',
        tooltip: `IL-2 language server: running${suffix}\nClick to restart it.`,
        background: undefined,
      };
    case 'stopped':
      return {
        text: '$(error) IL-2',
        tooltip: `IL-2 language server: stopped${suffix}\nClick to restart it.`,
        background: 'statusBarItem.errorBackground',
      };
  }
}
