import * as vscode from 'vscode';
import { ApiError } from '../api/errors';
import { errorMessage } from '../shared/errorMessage';
import { PROVIDER_LABEL, originOf, type Provider } from '../auth/apiKeys';
import { baseUrlOf, type Services } from '../services';
import type { Dialogs } from './dialogs';

/** The sandbox's demo keys are public fixtures of the local test server, not secrets. */
export const SANDBOX_DEFAULTS = {
  url: 'http://127.0.0.1:4010',
  astriaKey: 'sd_sandbox_demo_key',
  cartesiaKey: 'sk_car_sandbox_demo',
};

/** One cheap authenticated call with the candidate key; throws ApiError when the key is refused. */
async function checkKey(services: Services, provider: Provider, key: string): Promise<void> {
  if (provider === 'astria') await services.clientFor('astria', key).listTunes({ limit: 1 });
  else await services.clientFor('cartesia', key).listFineTunes({ limit: 1 });
}

/** Why a key was not saved: the refusal or the failed check, in words; `auth` when the server refused it. */
function keyCheckFailure(label: string, error: unknown): { refused: boolean; message: string } {
  return error instanceof ApiError && error.kind === 'auth'
    ? { refused: true, message: `${label} did not accept this API key, so it was not saved. Check that you copied the whole key.` }
    : { refused: false, message: `The ${label} API key could not be checked, so it was not saved: ${errorMessage(error)}` };
}

/** Checks the key and stores it, bound to the configured server; done once the server accepted it. */
async function storeCheckedKey(services: Services, provider: Provider, key: string): Promise<void> {
  const label = PROVIDER_LABEL[provider];
  await checkKey(services, provider, key);
  const origin = originOf(baseUrlOf(services.settings, provider));
  await services.keys.set(provider, key, origin);
  services.log.info(`${label} API key saved to secret storage, for ${origin}.`);
  void vscode.window.showInformationMessage(`Tune Studio is connected to ${label}.`);
}

/**
 * Ask for a key, check it against the configured server, and store it, bound to that server, only when it
 * accepts it. The input box stays open while the key is checked (busy) and after a refusal, with the
 * reason under the typed key, so the key can be corrected instead of typed again; Escape gives up. When
 * the server could not check the key at all, a notification says why and its Try Again brings the typed
 * key back.
 */
export async function setApiKey(services: Services, provider: Provider, presetKey?: string): Promise<boolean> {
  const label = PROVIDER_LABEL[provider];
  if (presetKey !== undefined) {
    const key = presetKey.trim();
    if (!key) return false;
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Checking the ${label} API key…` }, () =>
        storeCheckedKey(services, provider, key),
      );
      return true;
    } catch (error) {
      // Not awaited: the command finishes (nothing stored) while the message waits for the user.
      void vscode.window.showErrorMessage(keyCheckFailure(label, error).message, 'Try Again').then((choice) => {
        if (choice === 'Try Again') void setApiKey(services, provider);
      });
      return false;
    }
  }
  return askForKey(services, provider);
}

function askForKey(services: Services, provider: Provider, typed = ''): Promise<boolean> {
  const label = PROVIDER_LABEL[provider];
  const box = vscode.window.createInputBox();
  box.title = `Tune Studio: ${label} API Key`;
  box.prompt =
    provider === 'astria'
      ? 'Paste your Astria API key (starts with sd_). It is stored in VS Code\'s secret storage.'
      : 'Paste your Cartesia API key (starts with sk_car_). It is stored in VS Code\'s secret storage.';
  box.password = true;
  box.ignoreFocusOut = true;
  box.value = typed;
  return new Promise<boolean>((resolve) => {
    let checking = false;
    let done = false;
    const disposables: vscode.Disposable[] = [];
    const finish = (result: boolean): void => {
      if (done) return;
      done = true;
      disposables.forEach((d) => d.dispose());
      box.dispose();
      resolve(result);
    };
    disposables.push(
      box.onDidChangeValue(() => {
        if (!checking) box.validationMessage = undefined;
      }),
      box.onDidAccept(async () => {
        if (checking) return;
        const key = box.value.trim();
        if (!key) {
          box.validationMessage = { message: 'The key cannot be empty.', severity: vscode.InputBoxValidationSeverity.Error };
          return;
        }
        checking = true;
        box.busy = true;
        box.enabled = false;
        box.validationMessage = { message: `Checking the key with ${label}…`, severity: vscode.InputBoxValidationSeverity.Info };
        try {
          await storeCheckedKey(services, provider, key);
          finish(true);
          return;
        } catch (error) {
          const failure = keyCheckFailure(label, error);
          if (!failure.refused) {
            // The server could not check it (down, an error of its own): its words go to a notification
            // (shown as text there), whose Try Again opens this box again with the typed key.
            finish(false);
            void vscode.window.showErrorMessage(failure.message, 'Try Again').then((choice) => {
              if (choice === 'Try Again') void askForKey(services, provider, key);
            });
            return;
          }
          box.validationMessage = {
            message: `${label} did not accept this key, so it was not saved. Correct it and press Enter, or press Escape to cancel.`,
            severity: vscode.InputBoxValidationSeverity.Error,
          };
        }
        checking = false;
        box.busy = false;
        box.enabled = true;
      }),
      box.onDidHide(() => finish(false)),
    );
    box.show();
  });
}

export async function signOut(services: Services, provider: Provider): Promise<void> {
  await services.keys.delete(provider);
  void vscode.window.showInformationMessage(`Signed out of ${PROVIDER_LABEL[provider]}: its API keys were removed from secret storage.`);
}

/**
 * The configured server differs from the one the stored key was checked on: the key is sent there
 * only after the user says yes, and only once that server accepts it (it is checked there first).
 */
export async function useKeyOnConfiguredServer(services: Services, provider: Provider, dialogs: Dialogs): Promise<boolean> {
  const label = PROVIDER_LABEL[provider];
  const origin = originOf(baseUrlOf(services.settings, provider));
  const found = await services.keys.lookup(provider, origin);
  if (typeof found === 'string') return true;
  if (!found) return setApiKey(services, provider);
  const send = `Send the Key to ${origin}`;
  const other = 'Set a Different Key…';
  const choice = await dialogs.choose(
    `Send your ${label} API key to ${origin}?`,
    `Tune Studio is set to talk to ${origin} (your user settings), but your ${label} key was checked on ${found.checkedOn}. ` +
      `Only send it if you trust ${origin}: a server that receives the key can spend your credits.`,
    [send, other],
  );
  if (choice === other) return setApiKey(services, provider);
  if (choice !== send) return false;
  const key = await services.keys.get(provider, found.checkedOn);
  if (!key) return false;
  try {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Checking the ${label} API key on ${origin}…` }, () =>
      checkKey(services, provider, key),
    );
  } catch (error) {
    const message =
      error instanceof ApiError && error.kind === 'auth'
        ? `${origin} did not accept your ${label} key, so Tune Studio will not use it there.`
        : `Your ${label} key could not be checked on ${origin}, so it is not used there yet: ${errorMessage(error)}`;
    void vscode.window.showErrorMessage(message);
    return false;
  }
  await services.keys.set(provider, key, origin);
  services.log.info(`${label} API key now also used for ${origin}, at the user's request.`);
  void vscode.window.showInformationMessage(`Tune Studio is connected to ${label} at ${origin}.`);
  return true;
}

/** Where the base URLs go: the user's settings (application scope: a workspace cannot hold them). */
const USER_SETTINGS = vscode.ConfigurationTarget.Global;

/**
 * Point the extension at the local sandbox (`npm run sandbox`) and store its demo keys.
 * `npm start` sets TUNE_STUDIO_SANDBOX_URL so this needs no typing at all.
 */
export async function useLocalSandbox(services: Services, options: { silent?: boolean } = {}): Promise<boolean> {
  const env = process.env;
  let url = env.TUNE_STUDIO_SANDBOX_URL;
  if (!url && !options.silent) {
    url = await vscode.window.showInputBox({
      title: 'Tune Studio: Use Local Sandbox',
      prompt: 'URL of the local sandbox started with `npm run sandbox`',
      value: SANDBOX_DEFAULTS.url,
      ignoreFocusOut: true,
      validateInput: (value) => (/^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/?$/.test(value.trim()) ? undefined : 'Enter a loopback URL such as http://127.0.0.1:4010'),
    });
  }
  if (!url) return false;
  url = url.trim().replace(/\/+$/, '');
  const config = vscode.workspace.getConfiguration('tuneStudio');
  const cartesiaUrl = env.TUNE_STUDIO_SANDBOX_CARTESIA_URL ?? `${url}/cartesia`;
  // The sandbox's own keys, bound to the sandbox: a real key stays bound to its server.
  await services.keys.set('astria', env.TUNE_STUDIO_SANDBOX_ASTRIA_KEY ?? SANDBOX_DEFAULTS.astriaKey, originOf(url));
  await services.keys.set('cartesia', env.TUNE_STUDIO_SANDBOX_CARTESIA_KEY ?? SANDBOX_DEFAULTS.cartesiaKey, originOf(cartesiaUrl));
  await config.update('astria.baseUrl', url, USER_SETTINGS);
  await config.update('cartesia.baseUrl', cartesiaUrl, USER_SETTINGS);
  services.log.info(`Using the local sandbox at ${url}.`);
  if (!options.silent) void vscode.window.showInformationMessage(`Tune Studio is using the local sandbox at ${url}.`);
  return true;
}

/** Back to the real services: the base URLs return to their defaults, and the keys checked there apply again. */
export async function stopUsingLocalSandbox(services: Services): Promise<void> {
  const config = vscode.workspace.getConfiguration('tuneStudio');
  await config.update('astria.baseUrl', undefined, USER_SETTINGS);
  await config.update('cartesia.baseUrl', undefined, USER_SETTINGS);
  services.log.info('Stopped using the local sandbox.');
  void vscode.window.showInformationMessage(`Tune Studio talks to ${services.settings.astriaBaseUrl} again.`);
}

function settingsTarget(): vscode.ConfigurationTarget {
  return vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

export async function selectWorkspace(): Promise<void> {
  const config = vscode.workspace.getConfiguration('tuneStudio');
  const current = config.get<string>('astria.workspaceId', '');
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'Personal', description: 'no X-Workspace-Id header', value: '' },
      { label: 'All workspaces', description: 'X-Workspace-Id: all', value: 'all' },
      { label: 'Enter a workspace ID…', value: undefined },
    ].map((i) => ({ ...i, picked: i.value === current })),
    { title: 'Tune Studio: Astria Workspace', placeHolder: `Current: ${current || 'Personal'}` },
  );
  if (!picked) return;
  let value = picked.value;
  if (value === undefined) {
    value = await vscode.window.showInputBox({ title: 'Astria workspace ID', value: current, ignoreFocusOut: true });
    if (value === undefined) return;
  }
  await config.update('astria.workspaceId', value.trim(), settingsTarget());
}
