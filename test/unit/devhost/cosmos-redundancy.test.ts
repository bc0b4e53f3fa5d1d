import type { JournalOp } from '../../../devhost/emulators/cosmos-journal';
import { RedundancyCounter } from '../../../devhost/emulators/cosmos-redundancy';

const docs = '/dbs/images/colls/records/docs';
const upsert = (id: string): JournalOp => ({ method: 'POST', path: docs, body: { id } });
const remove = (id: string): JournalOp => ({
  method: 'DELETE',
  path: `${docs}/${encodeURIComponent(id)}`,
});

describe('redundant journal ops', () => {
  it('counts rewrites and deletes of documents, not first writes or containers', () => {
    const counter = new RedundancyCounter();
    counter.reset([
      {
        ops: [{ method: 'POST', path: '/dbs', body: { id: 'images' } }, upsert('a'), upsert('b c')],
      },
    ]);
    expect(counter.redundantOps).toBe(0);
    counter.add([{ ops: [upsert('a')] }, { ops: [upsert('a')] }]);
    expect(counter.redundantOps).toBe(2);
    counter.add([{ ops: [remove('b c')] }]);
    expect(counter.redundantOps).toBe(4);
    counter.add([{ ops: [upsert('b c')] }]);
    expect(counter.redundantOps).toBe(4);
    counter.reset([]);
    expect(counter.redundantOps).toBe(0);
  });
});
