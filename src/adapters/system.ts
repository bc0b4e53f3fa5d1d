/** The clock and randomness the triggers use, kept out of domain code so tests can fix them. */
import { randomBytes } from 'node:crypto';
import { newImageId } from '../domain/ids';

export const systemClock = (): Date => new Date();

export const randomImageId = (): string => newImageId(Date.now(), randomBytes(10));
