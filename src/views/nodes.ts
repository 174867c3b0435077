import * as vscode from 'vscode';
import type { Prompt, Tune } from '../api/astria/types';
import { promptState, tuneState, type TuneState } from '../api/astria/state';
import type { GalleryFocus, GallerySubject } from '../shared/gallery';
import { type ThumbnailSources, hoverThumbnails, thumbnailMarkdown } from '../domain/thumbnails';
import type { Container, ErrorNode, LoadMoreNode, MessageNode, PageNode } from './pagedList';

/** Everything shown in the Tunes view. `parent` makes reveal() work. */
export type TunesNode =
  | TuneNode
  | PromptNode
  | ImageNode
  | PageNode<TuneNode>
  | LoadMoreNode<TuneNode>
  | ErrorNode<TuneNode>
  | MessageNode<TuneNode>;

/** Where a tune or prompt row sits: the root, a tune (its first page of prompts), or a block or page of older ones. */
export type TunesContainer = Container<TuneNode>;

export class TuneNode {
  readonly kind = 'tune';
  busy: string | undefined;
  constructor(
    public tune: Tune,
    readonly parent: TunesContainer,
  ) {}
}

export class PromptNode {
  readonly kind = 'prompt';
  busy: string | undefined;
  private imageRows: { of: Prompt; nodes: ImageNode[] } | undefined;
  constructor(
    public prompt: Prompt,
    readonly parent: TunesContainer,
    /** The tune whose prompt this is (the parent may be a group of its older prompts). */
    readonly tuneNode: TuneNode,
  ) {}

  /** The image rows, the same objects until the prompt changes. */
  get images(): ImageNode[] {
    if (this.imageRows?.of !== this.prompt) this.imageRows = { of: this.prompt, nodes: this.prompt.images.map((url, index) => new ImageNode(url, index, this)) };
    return this.imageRows.nodes;
  }
}

export class ImageNode {
  readonly kind = 'image';
  constructor(readonly url: string, readonly index: number, readonly parent: PromptNode) {}
}

const STATE_ICON: Record<TuneState, vscode.ThemeIcon> = {
  pending: new vscode.ThemeIcon('clock', new vscode.ThemeColor('charts.yellow')),
  training: new vscode.ThemeIcon('loading~spin'),
  trained: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  expired: new vscode.ThemeIcon('history', new vscode.ThemeColor('disabledForeground')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
};

const MODEL_LABEL: Record<string, string> = { lora: 'LoRA', pti: 'PTI', faceid: 'FaceID' };

/** True for a row of the Tunes view (commands get rows, or anything another caller passes). */
export function isTunesNode(value: unknown): value is TuneNode | PromptNode | ImageNode {
  return value instanceof TuneNode || value instanceof PromptNode || value instanceof ImageNode;
}

/** From a tree row to what the gallery shows (an image row: its prompt, scrolled to that image). */
export function gallerySubjectFor(node: TunesNode): { subject: GallerySubject; focus?: GalleryFocus } | undefined {
  if (node instanceof TuneNode) return { subject: { kind: 'tune', tuneId: node.tune.id, title: node.tune.title } };
  if (node instanceof PromptNode) {
    return { subject: { kind: 'prompt', tuneId: node.prompt.tune_id, promptId: node.prompt.id, title: node.tuneNode.tune.title } };
  }
  if (node instanceof ImageNode) {
    const prompt = node.parent.prompt;
    return {
      subject: { kind: 'prompt', tuneId: prompt.tune_id, promptId: prompt.id, title: node.parent.tuneNode.tune.title },
      focus: { promptId: prompt.id, imageIndex: node.index },
    };
  }
  return undefined;
}

export function modelLabel(tune: Tune): string {
  if (tune.model_type && MODEL_LABEL[tune.model_type]) return MODEL_LABEL[tune.model_type];
  return tune.model_type ? String(tune.model_type) : 'checkpoint';
}

export function stateLabel(tune: Tune, now = Date.now()): string {
  const state = tuneState(tune, now);
  if (state === 'training' && tune.eta) {
    const minutes = Math.max(0, Math.round((Date.parse(tune.eta) - now) / 60_000));
    return minutes > 0 ? `training, ~${minutes} min left` : 'training, almost done';
  }
  return state;
}

function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString();
}

/** Markdown text: escape so server strings never become links, HTML or formatting. */
export function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>&~]/g, (c) => `\\${c}`);
}

function safeImageUrl(url: string): string | undefined {
  return /^https?:\/\//i.test(url) ? url.replace(/[()\s]/g, encodeURIComponent) : undefined;
}

export function tuneTreeItem(node: TuneNode): vscode.TreeItem {
  const { tune } = node;
  const state = tuneState(tune);
  const item = new vscode.TreeItem(tune.title || `Tune ${tune.id}`, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `tune:${tune.id}`;
  item.description = node.busy ?? [tune.name, modelLabel(tune), tune.branch, stateLabel(tune)].filter(Boolean).join(' · ');
  item.iconPath = node.busy ? new vscode.ThemeIcon('loading~spin') : STATE_ICON[state];
  item.contextValue = `tune.${state}${tune.auto_extend === true ? '.autoExtend' : tune.auto_extend === undefined ? '.autoExtendUnknown' : ''}`;
  return item;
}

/**
 * A tune row's hover (built when hovered: resolveTreeItem). Server strings are escaped. Its training
 * images go through the hover thumbnails (domain/thumbnails.ts): the workbench refuses plain-http images
 * in a tooltip, so those are inlined (bounded in size, cached, fetched without the API key).
 */
export async function tuneTooltip(tune: Tune, sources: ThumbnailSources = hoverThumbnails): Promise<vscode.MarkdownString> {
  const tooltip = new vscode.MarkdownString(undefined, true);
  tooltip.supportHtml = false;
  tooltip.appendMarkdown(`**${md(tune.title || `Tune ${tune.id}`)}**\n\n`);
  const rows: [string, string][] = [
    ['ID', String(tune.id)],
    ['State', stateLabel(tune)],
    ['Class', tune.name ?? '—'],
    ['Model', `${modelLabel(tune)}${tune.branch ? ` · ${tune.branch}` : ''}`],
    ['Token', tune.token ?? '—'],
    ['Base tune', tune.base_tune_id != null ? String(tune.base_tune_id) : '—'],
    ['Created', formatDate(tune.created_at)],
    ['Trained', formatDate(tune.trained_at)],
    ['Expires', tune.auto_extend ? 'auto-extended' : formatDate(tune.expires_at)],
    ['Cost', tune.cost_mc != null ? `${tune.cost_mc} mc` : '—'],
  ];
  if (tune.user_error) rows.push(['Error', tune.user_error]);
  tooltip.appendMarkdown(rows.map(([k, v]) => `${k}: ${md(v)}`).join('  \n'));
  const thumbs = (tune.orig_images ?? []).map(safeImageUrl).filter((u): u is string => Boolean(u)).slice(0, 4);
  if (thumbs.length) {
    const shown = await Promise.all(thumbs.map((u) => thumbnailMarkdown(u, 'training image', 64, undefined, sources)));
    tooltip.appendMarkdown(`\n\n${shown.join(' ')}`);
  }
  return tooltip;
}

export function promptTreeItem(node: PromptNode): vscode.TreeItem {
  const { prompt } = node;
  const state = promptState(prompt);
  const label = prompt.text.replace(/\s+/g, ' ').trim() || `Prompt ${prompt.id}`;
  const item = new vscode.TreeItem(
    label.length > 80 ? `${label.slice(0, 79)}…` : label,
    prompt.images.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = `prompt:${prompt.tune_id}:${prompt.id}`;
  const described: Record<typeof state, string> = {
    pending: 'queued',
    generating: 'generating…',
    done: `${prompt.images.length} image${prompt.images.length === 1 ? '' : 's'}`,
    failed: 'failed',
  };
  item.description = node.busy ?? [described[state], prompt.liked ? '♥' : undefined].filter(Boolean).join(' · ');
  item.iconPath = node.busy
    ? new vscode.ThemeIcon('loading~spin')
    : state === 'failed'
      ? new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'))
      : state === 'done'
        ? new vscode.ThemeIcon('file-media')
        : new vscode.ThemeIcon('loading~spin');
  // `liked` is undocumented: when the server does not send it, both Like and Unlike are offered.
  item.contextValue = `prompt.${state}.${prompt.liked === undefined ? 'likeUnknown' : prompt.liked ? 'liked' : 'unliked'}`;
  if (state === 'done') {
    item.command = { command: 'tuneStudio.openGallery', title: 'Open Gallery', arguments: [node] };
  }
  return item;
}

/** A prompt row's hover (resolveTreeItem): its text as text, the settings, the first image (inlined when plain http). */
export async function promptTooltip(prompt: Prompt, sources: ThumbnailSources = hoverThumbnails): Promise<vscode.MarkdownString> {
  const tooltip = new vscode.MarkdownString();
  tooltip.appendText(prompt.text);
  const details = [
    `ID ${prompt.id}`,
    prompt.seed != null ? `seed ${prompt.seed}` : undefined,
    prompt.aspect_ratio ? `aspect ${prompt.aspect_ratio}` : undefined,
    prompt.w && prompt.h ? `${prompt.w}×${prompt.h}` : undefined,
    prompt.steps != null ? `${prompt.steps} steps` : undefined,
    prompt.cfg_scale != null ? `CFG ${prompt.cfg_scale}` : undefined,
  ].filter(Boolean);
  tooltip.appendMarkdown(`\n\n---\n\n${md(details.join(' · '))}`);
  if (prompt.negative_prompt) {
    tooltip.appendMarkdown('\n\nNegative: ');
    tooltip.appendText(prompt.negative_prompt);
  }
  if (prompt.user_error) {
    tooltip.appendMarkdown('\n\n**Error:** ');
    tooltip.appendText(prompt.user_error);
  }
  const first = prompt.images.map(safeImageUrl).find(Boolean);
  if (first) tooltip.appendMarkdown(`\n\n${await thumbnailMarkdown(first, 'preview', 160, undefined, sources)}`);
  return tooltip;
}

export function imageTreeItem(node: ImageNode): vscode.TreeItem {
  const item = new vscode.TreeItem(`Image ${node.index + 1}`, vscode.TreeItemCollapsibleState.None);
  item.id = `image:${node.parent.prompt.id}:${node.index}`;
  item.iconPath = new vscode.ThemeIcon('file-media');
  item.contextValue = 'image';
  item.description = fileNameOf(node.url);
  item.command = { command: 'tuneStudio.openGallery', title: 'Open Gallery', arguments: [node] };
  return item;
}

/** An image row's hover (resolveTreeItem): the image (inlined when plain http). */
export async function imageTooltip(node: ImageNode, sources: ThumbnailSources = hoverThumbnails): Promise<vscode.MarkdownString | string> {
  const url = safeImageUrl(node.url);
  return url ? new vscode.MarkdownString(await thumbnailMarkdown(url, `Image ${node.index + 1}`, 240, undefined, sources)) : node.url;
}

function fileNameOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  } catch {
    return '';
  }
}

