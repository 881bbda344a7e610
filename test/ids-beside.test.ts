/**
 * The ids newIdsBeside makes for copies (aduplicate) are new: never the id of a model made in
 * the same millisecond, whose key is in the same slot (they share the time and the head of the
 * random part; the last four characters are chosen for the slot, and could be the same).
 */
import { expect } from 'chai';
import { mainKey, newId } from '../src/keys.js';
import { newIdsBeside } from '../src/runtime/topology.js';
import { libraryClient, testTopology } from './helpers/hooks.js';

// On one server the ids are newId's own (no slot to hit): registered in the cluster run only.
if (testTopology() === 'cluster')
  describe('ids beside a model', () => {
    it("a copy's id is never the id of the model it is made beside, made in the same millisecond", () => {
      const client = libraryClient();
      for (let i = 0; i < 20000; i += 1) {
        const pk = newId();
        const [copy] = newIdsBeside(client, mainKey('IdsBeside', pk), 1);
        expect(copy, `after ${i} ids`).to.not.equal(pk);
      }
    });
  });
