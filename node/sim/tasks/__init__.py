"""Built-in task types, one module per type named as the type; importing a module registers it.

node.sim.tasktypes imports only the module a scenario names (all of them to list the types), so
a run does not load the other tasks' code.
"""

BUILTIN_TASKS = (
    "auction",
    "consensus",
    "gossip",
    "llm_marketplace",
    "marketplace",
    "pingpong",
    "private_commerce",
    "reputation",
    "supply_chain",
    "voting",
)
"""Module names under node.sim.tasks, each registering the task type of the same name."""
