/** The help text of `image-pipeline`, printed by --help and after a usage error. */
export const USAGE = `Usage: image-pipeline <command> [options]

Images
  status <imageId>              an image's record: status, steps with attempts and durations, error
  list [--status S] [--limit N] [--continuation T]
                                images, newest first (S: Accepted, Processing, Completed,
                                CompletedWithWarnings, Failed)
  delete <imageId>              delete the image (function key): source, variants, record and
                                every run's history; waits until the cascade has finished

Orchestrations (function key required)
  orchestrations [--status Running,Failed] [--since ISO] [--until ISO] [--name N]
                 [--prefix P] [--limit N] [--continuation T]
                                orchestration instances, newest first
  history <instanceId>          the instance's timeline: one line per step, timer, entity call
                                and event, with offset, duration, attempt, status and error
  terminate <instanceId> [--reason TEXT]
  restart <instanceId> [--same-id]
                                run again with the same input (under a new instance id unless
                                --same-id, which needs a finished instance)
  purge <instanceId>            delete a finished instance's history

Batch reprocessing (function key required)
  reprocess [--status S] [--analysis-status A] [--since ISO] [--until ISO] [--ids a,b]
            [--steps resize,analyze] [--max-concurrency N] [--dry-run]
                                reprocess the images that match (at least one filter), then
                                follow the batch until it ends; --dry-run lists the matches

Analysis gates (function key required)
  gate                          every gate: circuit, rate, tokens, next slot, counters
  gate reset <id>               close the gate's circuit and clear its pause

Options
  --url URL     base URL of the app (env IMAGE_PIPELINE_URL; default http://127.0.0.1:7071)
  --key KEY     function key (env IMAGE_PIPELINE_KEY or FUNCTIONS_KEY; otherwise the key
                devhost keeps in .devhost/keys.json under the current directory)
  --json        print the server's JSON instead of text
  -h, --help    show this help

Exit codes: 0 success, 1 the server or the connection failed (one line on stderr, or a
reprocess batch that did not complete), 2 usage error.
`;
