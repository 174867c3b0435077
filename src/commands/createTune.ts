import * as vscode from 'vscode';
import type { Tune } from '../api/astria/types';
import type { Services } from '../services';
import type { StatusPoller } from '../jobs/statusPoller';
import type { TunesNode } from '../views/nodes';

export interface CreateTuneWiring {
  /** Shows the new tune in the Tunes view (selects it). */
  revealTune(tune: Tune): Promise<void>;
}

/** Placeholder until "Create Tune from Images…" exists. Returns the Tunes view's drop controller. */
export function registerCreateTune(
  _context: vscode.ExtensionContext,
  _services: Services,
  _poller: StatusPoller,
  _wiring: CreateTuneWiring,
): vscode.TreeDragAndDropController<TunesNode> {
  return { dropMimeTypes: [], dragMimeTypes: [] };
}
