/**
 * The registry and class-wide counts: findRedisModels(), a model kept out of the registry,
 * Model.acount(), class-level alockFromKey, and what module-level adeleteMany reports.
 */
import { expect } from 'chai';
import * as rapyer from '../src/index.js';
import { KeyNotFound, MissingParameterError, defineModel, field } from '../src/index.js';
import { testClient } from './helpers/hooks.js';
import { expectReject } from './helpers/reject.js';

class Listed extends defineModel('RegListed', { id: field.str({ key: true }), n: field.int({ default: 0 }) }) {}
const Hidden = defineModel('RegHidden', { id: field.str({ key: true }) }, { register: false });
class Other extends defineModel('RegOther', { id: field.str({ key: true }) }) {}

describe('registry and class-wide counts', () => {
  it('findRedisModels lists the registered classes, the bound subclass, not a model kept out', () => {
    const found = rapyer.findRedisModels();
    const names = found.map((m) => m.modelName);
    expect(names).to.include.members(['RegListed', 'RegOther']);
    expect(names).to.not.include('RegHidden');
    expect(names.filter((n) => n === 'RegListed')).to.have.length(1);
  });

  it('a model kept out of the registry still works by itself, but module-level operations do not know its keys', async () => {
    const h = await new Hidden({ id: 'h1' }).asave();
    expect((await Hidden.aget('h1')).pk).to.equal('h1');
    await expectReject(rapyer.aget(h.key), KeyNotFound, /not the key of a defined model/);
    expect(() => defineModel('RegHidden', { id: field.str({ key: true }) })).to.throw(/already defined/);
  });

  it('acount counts the stored models of the class only (SCAN on every master)', async () => {
    expect(await Listed.acount()).to.equal(0);
    await Listed.ainsert(...Array.from({ length: 25 }, (_v, i) => new Listed({ id: `c${i}` })));
    await new Other({ id: 'o1' }).asave();
    await testClient().set('RegListed:{not-a-hash}:x', '1'); // a key of the class's prefix that is no main key
    expect(await Listed.acount()).to.equal(25);
    expect(await Other.acount()).to.equal(1);
  });

  it('module-level adeleteMany reports the models deleted per class; with nothing to delete it is a MissingParameterError', async () => {
    const [a, b] = await Listed.ainsert(new Listed({ id: 'd1' }), new Listed({ id: 'd2' }));
    const o = await new Other({ id: 'd3' }).asave();
    const r = await rapyer.adeleteMany(a!.key, b!, o.key, 'RegOther:{missing}');
    expect(r).to.deep.equal({ modelsDeleted: 3, keysDeleted: 3, byModel: { RegListed: 2, RegOther: 1 } });
    await expectReject(rapyer.adeleteMany(), MissingParameterError);
    await expectReject(Listed.adeleteMany(), MissingParameterError, /RegListed\.adeleteMany/);
  });

  it('Model.alockFromKey takes the lock of a key or pk of the class, with the model or null', async () => {
    await new Listed({ id: 'l1', n: 1 }).asave();
    const seen = await Listed.alockFromKey('l1', 'edit', { saveAtEnd: true }, async (m, lock) => {
      expect(await testClient().get(lock.key)).to.equal(lock.token);
      m!.n.iadd(4);
      return m!.n.value;
    });
    expect(seen).to.equal(5);
    expect((await Listed.aget('l1')).n.value).to.equal(5);
    expect(await testClient().exists('RegListed:{l1}:lock:edit')).to.equal(0);
    expect(await Listed.alockFromKey('RegListed:{none}', 'edit', {}, async (m) => m)).to.equal(null);
  });
});
