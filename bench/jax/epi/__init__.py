"""The JAX side of bench/epi.js: a real NVP flow (flow.py) and one EPI training step through a peer's simulation
(step.py), written the way a JAX user would."""
