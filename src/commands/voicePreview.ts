import * as vscode from 'vscode';
import type { Voice } from '../api/cartesia/types';
import type { Services } from '../services';
import { inertLinks } from '../shared/inertText';

/** Opens the voice's preview file with the system's player (the audio is on Cartesia's CDN, no key needed). */
export async function playVoicePreview(_context: vscode.ExtensionContext, services: Services, voice: Voice): Promise<void> {
  const url = voice.preview_file_url;
  if (!url || !/^https?:\/\//i.test(url)) {
    void vscode.window.showWarningMessage(inertLinks(`The voice “${voice.name}” has no preview to play.`));
    return;
  }
  services.log.info(`Opening the preview of voice ${voice.id}.`);
  await vscode.env.openExternal(vscode.Uri.parse(url));
}
