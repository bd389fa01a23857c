"""ASE's NEB on the Müller–Brown surface, the peer of bench/neb.js: one JSON job on stdin, one JSON answer out.

The surface is an ASE Calculator on a single atom whose x and y are the surface's coordinates (z feels no force
and stays put), so ASE's per-atom force norm is the per-image NEB force norm that sloppy's fmax also bounds.
Force calls are counted inside calculate(): ASE caches results for unchanged atoms, so the fixed endpoints
count once each, as in sloppy.
"""
import json
import sys
import time

import numpy as np
from ase import Atoms
from ase.calculators.calculator import Calculator, all_changes
from ase.mep import NEB
from ase.optimize import BFGS, FIRE, LBFGS

A = np.array([-200.0, -100.0, -170.0, 15.0])
a = np.array([-1.0, -1.0, -6.5, 0.7])
b = np.array([0.0, 0.0, 11.0, 0.6])
c = np.array([-10.0, -10.0, -6.5, 0.7])
x0 = np.array([1.0, 0.0, -0.5, -1.0])
y0 = np.array([0.0, 0.5, 1.5, 1.0])


class MullerBrown(Calculator):
    implemented_properties = ["energy", "forces"]
    calls = 0

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        MullerBrown.calls += 1
        x, y = self.atoms.positions[0, :2]
        dx, dy = x - x0, y - y0
        terms = A * np.exp(a * dx * dx + b * dx * dy + c * dy * dy)
        forces = np.zeros((1, 3))
        forces[0, 0] = -np.sum(terms * (2 * a * dx + b * dy))
        forces[0, 1] = -np.sum(terms * (b * dx + 2 * c * dy))
        self.results = {"energy": float(np.sum(terms)), "forces": forces}


OPTIMIZERS = {"FIRE": FIRE, "BFGS": BFGS, "LBFGS": LBFGS}


def run(job, setting):
    def atom(xy):
        image = Atoms("H", positions=[[xy[0], xy[1], 0.0]])
        image.calc = MullerBrown()
        return image

    images = [atom(job["start"])] + [atom(job["start"]) for _ in range(job["images"] - 2)] + [atom(job["end"])]
    neb = NEB(images, k=setting.get("k", 0.1), climb=True, method=setting.get("method", "aseneb"))
    neb.interpolate()
    kwargs = {key: setting[key] for key in ("alpha", "maxstep") if key in setting}
    MullerBrown.calls = 0
    started = time.perf_counter()
    optimizer = OPTIMIZERS[setting["optimizer"]](neb, logfile=None, **kwargs)
    converged = bool(optimizer.run(fmax=job["fmax"], steps=setting["steps"]))
    seconds = time.perf_counter() - started
    top = int(np.argmax([image.get_potential_energy() for image in images[1:-1]])) + 1
    return {
        "name": setting["name"], "calls": MullerBrown.calls, "steps": optimizer.nsteps, "converged": converged,
        "seconds": seconds, "climbing": images[top].positions[0, :2].tolist(),
        "energy": images[top].get_potential_energy(),
    }


def main():
    job = json.load(sys.stdin)
    import ase

    print(json.dumps({"version": ase.__version__, "runs": [run(job, s) for s in job["settings"]]}))


if __name__ == "__main__":
    main()
