"""The `corral` command line (``main``; the commands are in ``corral.cli.main``)."""


def main() -> None:
    """The `corral` command, started under the process's GC policy (see gc_policy)."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()  # before anything: even compiling gc_policy below allocates
    from corral.cli.gc_policy import PausedCollector, freeze_at_exit

    freeze_at_exit()  # registered first: the last exit hook to run
    collector = PausedCollector(was_enabled)
    from corral.cli.main import main as run_command

    run_command(collector)
