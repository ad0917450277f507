"""The demo's plan: the Département's own programme, loaded from the file the repository keeps."""

from jalon.programme.commitments import demo as commitments_demo
from jalon.programme.loader import load_file, plan_files, read_plan
from jalon.programme.network import demo as network_demo


def build(ctx) -> None:
    for path in plan_files():
        if str(read_plan(path)["programme"]["departement"]) != ctx.departement.code:
            continue
        result = load_file(path)
        if result.created:
            ctx.log(f"Programme : {result.programme} ({result.counts['actions']} actions)")
        if result.programme:
            commitments_demo.build(ctx, result.programme)
            network_demo.build(ctx, result.programme)
