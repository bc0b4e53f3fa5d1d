/** The clock and randomness the triggers use, kept out of domain code so tests can fix them. */
import { randomBytes } from 'node:crypto';
import { newImageId } from '../domain/ids';

export const systemClock = (): Date => new Date();

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export const randomImageId = (): string => newImageId(Date.now(), randomBytes(10));
