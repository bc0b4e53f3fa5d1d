/** Signed URLs that let a client write one blob straight to storage, bypassing the app. */

export interface UploadUrlRequest {
  container: string;
  blobName: string;
  /** When the URL stops working; storage compares it to its own clock, to the second. */
  expiresOn: Date;
}

export interface SignedUploadUrl {
  /** The blob's URL with the signature in the query: `PUT` with `x-ms-blob-type: BlockBlob`. */
  url: string;
  expiresOn: Date;
}

export interface UploadUrlSigner {
  /** A URL that can create or overwrite exactly this blob until `expiresOn`, and do nothing else. */
  signUpload(request: UploadUrlRequest): Promise<SignedUploadUrl>;
}
