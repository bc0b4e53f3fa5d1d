import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  dropTornTail,
  JournalAppender,
  readJournal,
  replaceJournal,
} from '../../../devhost/emulators/cosmos-journal';
import { removeTempDirs, tempDir } from './helpers';

const op = (id: string) => ({ method: 'POST' as const, path: '/dbs', body: { id } });

afterAll(removeTempDirs);

describe('Cosmos journal file', () => {
  it('reads complete lines and drops a torn last write', () => {
    const file = path.join(tempDir('journal'), 'journal.ndjson');
    const journal = new JournalAppender(file);
    journal.append({ ops: [op('a')] });
    journal.append({ ops: [op('b')] });
    journal.close();
    appendFileSync(file, '{"ops":[{"method":"PO');

    const contents = readJournal(file);
    expect(contents.entries.map((entry) => entry.ops[0]?.body)).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(contents.tornTailBytes).toBeGreaterThan(0);

    dropTornTail(file, contents);
    const again = new JournalAppender(file);
    again.append({ ops: [op('c')] });
    again.close();
    expect(readJournal(file).entries).toHaveLength(3);
    expect(readJournal(file).tornTailBytes).toBe(0);
  });

  it('counts unreadable complete lines instead of failing', () => {
    const file = path.join(tempDir('journal'), 'journal.ndjson');
    writeFileSync(file, `${JSON.stringify({ ops: [op('a')] })}\nnot json\n`);
    const contents = readJournal(file);
    expect(contents.entries).toHaveLength(1);
    expect(contents.corruptLines).toBe(1);
  });

  it('replaces the whole journal at once', () => {
    const file = path.join(tempDir('journal'), 'journal.ndjson');
    writeFileSync(file, `${JSON.stringify({ ops: [op('old')] })}\n`);
    replaceJournal(file, [{ ops: [op('x')] }, { ops: [op('y')] }]);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
    expect(readJournal(file).entries[1]?.ops[0]?.body).toEqual({ id: 'y' });
  });

  it('reads a missing journal as empty', () => {
    expect(readJournal(path.join(tempDir('journal'), 'none.ndjson')).entries).toEqual([]);
  });
});
