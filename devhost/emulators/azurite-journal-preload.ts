/**
 * Loaded with `node --require` into the Azurite process, before Azurite's own entry script:
 * puts a write-ahead journal under its metadata databases (loki-journal-install.ts), so
 * `kill -9` of Azurite loses nothing it acknowledged.
 */
import { installLokiJournal, installTableBatchHold } from './loki-journal-install';

installLokiJournal();
installTableBatchHold();
