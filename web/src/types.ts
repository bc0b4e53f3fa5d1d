/** The parts of the API's JSON the page reads (see README, HTTP API). */
export interface Variant {
  name: string;
  width: number;
  height: number;
  format: string;
  contentType: string;
  bytes: number;
  url: string;
}
export interface Step {
  name: string;
  status: string;
  attempts: number;
  startedAt: string | null;
  completedAt: string | null;
  error?: { code: string; message: string };
}
export interface ImageRecord {
  id: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  source?: {
    filename: string | null;
    contentType: string | null;
    bytes?: number;
    width?: number;
    height?: number;
    format?: string;
    sha256?: string;
  } | null;
  variants?: Variant[];
  analysis?: {
    status: string;
    provider: string;
    caption?: string;
    tags?: { name: string; confidence: number }[];
    text?: string;
    colors?: string[];
    blurhash?: string;
    phash?: string;
    error?: { code: string; message: string };
    [key: string]: unknown;
  } | null;
  steps?: Step[];
  error?: { code: string; message: string };
  orchestration?: { instanceId: string | null; runtimeStatus: string | null } | null;
}
