"""The grid task's state table (pure): open → in progress → done / cancelled."""

from __future__ import annotations

from dataclasses import dataclass

from accord.core.statemachine import Machine, Transition

# Capabilities on one task (see access.task_capabilities).
WORKER = "worker"  # a grid worker over the task's grid
STAFF = "staff"  # case staff over the task's grid (creates, cancels, reassigns)

OPEN, IN_PROGRESS, DONE, CANCELLED = "open", "in_progress", "done", "cancelled"


@dataclass(frozen=True)
class TaskFacts:
    status: str


TASK = Machine(
    "grid task",
    (
        Transition("start", {OPEN}, IN_PROGRESS, {WORKER, STAFF}, en="Start", zh="开始"),
        Transition("complete", {OPEN, IN_PROGRESS}, DONE, {WORKER, STAFF}, en="Done", zh="完成"),
        Transition("cancel", {OPEN, IN_PROGRESS}, CANCELLED, {STAFF}, en="Cancel", zh="取消"),
    ),
)
