// The Language Model tools are registered at activation (VS Code lists them from package.json), but
// their logic (tools.ts) is imported the first time a chat agent prepares or invokes one of them.
import * as vscode from 'vscode';
import type { StatusPoller } from '../jobs/statusPoller';
import type { Open } from '../open';
import type { Services } from '../services';
import { TOOL_NAMES, type ToolName } from './names';
import type { Tool } from './tools';

/** `onInvoked` hears of every invocation (the walkthrough's "Ask the agent" step). */
export function registerAgentTools(
  context: vscode.ExtensionContext,
  services: Services,
  poller: StatusPoller,
  open: Open,
  onInvoked: (name: ToolName) => void = () => {},
): Record<ToolName, Tool> {
  let tools: Promise<Record<ToolName, Tool>> | undefined;
  const loaded = () => (tools ??= import('./tools').then(({ createAgentTools }) => createAgentTools(services, poller, open)));
  const registered = {} as Record<ToolName, Tool>;
  for (const name of TOOL_NAMES) {
    registered[name] = {
      prepareInvocation: async (options, token) => (await loaded())[name].prepareInvocation?.(options, token),
      invoke: async (options, token) => {
        onInvoked(name);
        return (await loaded())[name].invoke(options, token);
      },
    };
    context.subscriptions.push(vscode.lm.registerTool(name, registered[name]));
  }
  return registered;
}
