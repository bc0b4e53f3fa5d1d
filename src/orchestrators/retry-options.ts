/**
 * The retry policy every activity call uses (ACTIVITY_RETRY), as the SDK's RetryOptions.
 * Transient failures throw and are retried with this backoff; permanent ones come back as values.
 */
import * as df from 'durable-functions';
import { ACTIVITY_RETRY } from '../domain/pipeline/pipeline';

export function retryOptions(): df.RetryOptions {
  const options = new df.RetryOptions(
    ACTIVITY_RETRY.firstRetryIntervalInMilliseconds,
    ACTIVITY_RETRY.maxNumberOfAttempts,
  );
  options.backoffCoefficient = ACTIVITY_RETRY.backoffCoefficient;
  options.maxRetryIntervalInMilliseconds = ACTIVITY_RETRY.maxRetryIntervalInMilliseconds;
  return options;
}
