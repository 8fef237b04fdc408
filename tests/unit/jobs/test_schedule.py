"""One periodic table: beat's schedule and the embedded scheduler both come from it."""
import threading

from django.conf import settings

from jobs.schedule import Scheduler, run_forever


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_each_entry_runs_on_its_own_interval():
    clock = FakeClock()
    scheduler = Scheduler([("sweep", "jobs.sweep", 15), ("retrain", "recommender.retrain", 60)], clock=clock)
    runs = []
    for _ in range(12):  # two minutes in 10-second steps
        clock.now += 10
        runs += [name for name, _ in scheduler.due()]
    assert runs.count("sweep") == 8 and runs.count("retrain") == 2
    assert scheduler.seconds_to_next() <= 15


def test_a_late_tick_runs_an_entry_once_not_once_per_missed_interval():
    clock = FakeClock()
    scheduler = Scheduler([("sweep", "jobs.sweep", 15)], clock=clock)
    clock.now += 100
    assert scheduler.due() == [("sweep", "jobs.sweep")]
    assert scheduler.due() == []


def test_beat_schedule_is_built_from_the_same_table():
    assert {name: (entry["task"], entry["schedule"]) for name, entry in settings.CELERY_BEAT_SCHEDULE.items()} == {
        name: (task, float(seconds)) for name, task, seconds in settings.MOTIF_PERIODIC_TASKS
    }
    tasks = {task for _, task, _ in settings.MOTIF_PERIODIC_TASKS}
    assert {"jobs.sweep", "recommender.retrain", "recommender.fold_old_events"} <= tasks


def test_every_periodic_task_exists():
    from celery import current_app

    for _, task, _ in settings.MOTIF_PERIODIC_TASKS:
        assert task in current_app.tasks, task


def test_the_loop_runs_due_entries_and_a_slow_entry_does_not_block_the_others():
    clock = FakeClock()
    scheduler = Scheduler([("slow", "slow.task", 1), ("fast", "fast.task", 1)], clock=clock)
    stop = threading.Event()
    release = threading.Event()
    fast_runs = []

    def run(name, task):
        if name == "slow":
            release.wait(5)
        else:
            fast_runs.append(task)
            clock.now += 1
            if len(fast_runs) == 3:  # three runs while the slow entry was still busy
                stop.set()
                release.set()

    clock.now += 1
    thread = threading.Thread(target=run_forever, args=(scheduler, stop), kwargs={"run": run})
    thread.start()
    thread.join(timeout=5)
    assert fast_runs == ["fast.task"] * 3
