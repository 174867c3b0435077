// A codicon toolbar button whose label is also its tooltip; `data` says what it does to a click handler.
// The panel defines `vscode-toolbar-button` itself (after its first paint: common/later.ts).

export function toolbarButton(iconName: string, label: string, data: Record<string, string>): HTMLElement {
  const button = document.createElement('vscode-toolbar-button');
  button.icon = iconName;
  button.label = label;
  button.title = label;
  Object.assign(button.dataset, data);
  return button;
}
