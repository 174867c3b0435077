export type FineTuneStatus = 'created' | 'training' | 'completed' | 'failed';

export interface FineTune {
  id: string;
  name: string;
  description: string;
  language: string;
  model_id: string;
  dataset: string;
  status: FineTuneStatus;
}

export interface Voice {
  id: string;
  is_owner: boolean;
  is_public: boolean;
  name: string;
  description: string;
  gender?: string | null;
  created_at: string;
  language: string;
  preview_file_url?: string | null;
}

export interface Dataset {
  id: string;
  name: string;
  description: string;
  created_at: string;
}

export interface CursorPage<T> {
  data: T[];
  has_more: boolean;
  next_page?: string | null;
}

export interface CursorOptions {
  limit?: number;
  startingAfter?: string;
  endingBefore?: string;
  signal?: AbortSignal;
}
