// A hand-sized MGLRU world for exact-trace tests: host tabs (one mm each) and a VMM whose guest-memory VMA has
// KVM's SPTEs behind a notifier.
import { Simulation } from "../../../../src/sim/simulation";
import { AddressSpace, type MmStruct, type Vma } from "../../../../src/kernel/mm/mglru/address-space";
import { Lruvec } from "../../../../src/kernel/mm/mglru/lruvec";
import { Mglru, type LruGenConfig } from "../../../../src/kernel/mm/mglru/mglru";
import { SpteAge } from "../../../../src/kernel/kvm/spte-age";

export interface TinyWorld {
  sim: Simulation;
  as: AddressSpace;
  lruvec: Lruvec;
  m: Mglru;
  spte: SpteAge;
  tabs: Vma[];
  guest: Vma | null;
  vmm: MmStruct | null;
  /** Fault a page in (PTE young, folio at `seq` or max_seq; a guest page also gets a young SPTE). */
  fault(slot: number, seq?: number): void;
  /** A touch: host A bit for a tab page, SPTE A bit for a guest page. */
  touch(slot: number): void;
  /** Moves the clock to `t` (ns). */
  at(t: number): void;
  evicted: number[];
}

export function tinyWorld(tabPages: number[], guestPages: number, config: LruGenConfig): TinyWorld {
  const sim = new Simulation({ trace: true });
  const as = new AddressSpace(AddressSpace.slotsFor([...tabPages, Math.max(1, guestPages)]));
  const tabs = tabPages.map((n, i) => as.addVma(as.addMm(`tab${i}`), n));
  const spte = new SpteAge(as.vmaOf.length, 300);
  const vmm = guestPages > 0 ? as.addMm("vmm", spte) : null;
  const guest = vmm ? as.addVma(vmm, guestPages) : null;
  const lruvec = new Lruvec(as.slots, 1, () => sim.now);
  const m = new Mglru(as, lruvec, config, sim);
  const evicted: number[] = [];
  m.onEvict = (f) => evicted.push(f);
  const isGuest = (slot: number) => guest !== null && slot >= guest.start && slot < guest.end;
  return {
    sim,
    as,
    lruvec,
    m,
    spte,
    tabs,
    guest,
    vmm,
    evicted,
    fault(slot, seq) {
      as.mapPte(slot);
      lruvec.addFolio(slot, seq ?? lruvec.maxSeq);
      if (isGuest(slot)) spte.installSpte(slot);
    },
    touch(slot) {
      as.mmOf(slot).ranSinceWalk = true;
      if (isGuest(slot)) spte.guestAccess(slot);
      else as.young[slot] = 1;
    },
    at(t) {
      sim.run({ until: t });
    },
  };
}

export const PRE_FIX: LruGenConfig = { mmWalk: true, clearYoungNotify: false };
export const FIX: LruGenConfig = { mmWalk: true, clearYoungNotify: true };
