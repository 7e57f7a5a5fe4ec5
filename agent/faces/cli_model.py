"""`escalate model train|show`: the offline engine's learned model (thin calls into agent/model/)."""

from __future__ import annotations

import click

from .cli import Context, cli


@cli.group()
def model():
    """The offline engine's learned severity and security model: train it, show the one in force."""


@model.command("train")
@click.option("--from-db", is_flag=True, help="Train the team model on this database's closed escalations instead.")
@click.option("--datasets", type=click.Path(file_okay=False), help="Folder of the dataset files (default ../shared/datasets or ESCALATE_DATASETS).")
@click.option("--out", type=click.Path(dir_okay=False), help="Write the model here instead of the package's shipped file.")
@click.pass_obj
def model_train(obj: Context, from_db, datasets, out):
    """Train the shipped model from the dataset files (seeded, reproducible; needs the [train] extra).

    \b
    pip install -e '.[train]' && escalate model train
    Writes agent/model/shipped.json.gz and evals/shipped_oof.json.gz (the out-of-fold predictions
    that `escalate eval` scores), then prints the cross-validated figures.
    escalate model train --from-db      # the team model, beside the database (used when present)
    """
    from pathlib import Path

    from ..model import build, train
    from ..model.linear import SHIPPED, team_model_path

    train._need_sklearn()
    if from_db:
        from ..model.team import build_team

        with obj.store() as store:
            target = Path(out) if out else team_model_path(store.path)
            data = build_team(store.db, target)
        click.echo(f"wrote {target} from {data['made']['rows']} closed escalations; the offline engine uses it with this database")
        from . import views_model

        click.echo(views_model.contenders(data["scores"]["team"]))
        return
    train.with_fixed_hash_seed()
    target = Path(out) if out else SHIPPED
    oof = target.with_name(target.name.replace(".json.gz", "") + ".oof.json.gz") if out else build.OOF
    from .. import progress

    # The same bar as the other long commands (terminal only): the features twice, each fold, the final fit.
    with progress.bar("train", total=2 + train.FOLDS + 1, unit="step") as bar:
        def step(what: str, n: int) -> None:
            bar.label(f"train: {what} {n}")
            bar.advance()

        made = build.build_shipped(folder=Path(datasets) if datasets else None, out=target, oof_out=oof,
                                   progress=step)
    click.echo(f"wrote {target} and {oof} ({made['made']['rows']:,} rows)")
    from . import views_model

    click.echo(views_model.scores(made["scores"]))


@model.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def model_show(obj: Context, as_json):
    """Which model the offline engine uses with this database, how it was made and how it scored."""
    import json

    from ..model import linear

    from ..store import default_path

    model_ = linear.in_force(obj.db_path or default_path())
    info = {"in_force": model_.name, "made": model_.made, "scores": model_.scores}
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    from . import views_model

    click.echo(f"in force: {model_.name}")
    click.echo("made: " + ", ".join(f"{k}={v}" for k, v in model_.made.items()))
    click.echo(views_model.scores(model_.scores))


@model.command("eval")
@click.pass_obj
def model_eval(obj: Context):
    """Compare the team model, the shipped model and the baselines by cross-validation on this database's
    closed escalations (the same folds for each; needs the [train] extra)."""
    from ..model import train
    from ..model.evaluate import compare
    from ..model.team import check_enough, history_rows

    train._need_sklearn()
    with obj.store() as store:
        rows, types = history_rows(store.db)
    check_enough(rows)
    from . import views_model

    click.echo(views_model.contenders(compare(rows, types)))
