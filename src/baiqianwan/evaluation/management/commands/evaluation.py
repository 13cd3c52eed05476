from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baiqianwan.audit.services import command_actor
from baiqianwan.core.problems import InputError
from baiqianwan.evaluation.demo import EvaluationDemoExists, evaluation_demo_create
from baiqianwan.evaluation.engine import EvaluationInputError
from baiqianwan.evaluation.models import Scheme
from baiqianwan.evaluation.services import run_execute, run_request, runs_reap

# The page's checkbox, as this command spells it.
PROVISIONAL_HINT = "（命令行：加 --provisional 作为临时结果运行。）"


class Command(BaseCommand):
    help = (
        "Evaluation: `demo` (the demo schemes, tracks and runs, after `bqw indicators demo`), "
        "`run SCHEME PERIOD…` (compute a run now, without the worker), `reap` (mark runs "
        "whose worker died as failed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("demo", help="the evaluation demo (演示数据), once only")
        run = sub.add_parser("run", help="run a scheme on periods of approved values, now")
        run.add_argument("scheme", help="the scheme's code")
        run.add_argument("periods", nargs="+", help="period codes, e.g. 2023 2024")
        run.add_argument(
            "--provisional",
            action="store_true",
            help="run even if not every value is approved (the run is marked provisional)",
        )
        sub.add_parser("reap", help="mark runs whose worker died as failed")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _demo(self, options: dict[str, Any]) -> None:
        try:
            report = evaluation_demo_create(actor=command_actor("evaluation demo"))
        except EvaluationDemoExists as exc:
            self.stdout.write(str(exc))
            return
        self.stdout.write(
            f"评价演示数据：{len(report.schemes)} 个方案（{'、'.join(report.schemes)}），"
            f"{len(report.runs)} 次运行，{len(report.tracks)} 个县区类别。"
        )

    def _run(self, options: dict[str, Any]) -> None:
        scheme = Scheme.objects.filter(code=options["scheme"]).first()
        if scheme is None:
            raise CommandError(f"没有代码为 {options['scheme']} 的评价方案")
        try:
            run = run_request(
                user=command_actor("evaluation run"),
                scheme=scheme,
                periods=options["periods"],
                provisional=options["provisional"],
                enqueue=False,
            )
            run = run_execute(run.pk)
        except (InputError, EvaluationInputError) as exc:
            # Refused for values not yet approved: name the option that runs it anyway.
            unapproved = getattr(exc, "field", "") == "provisional"
            hint = PROVISIONAL_HINT if unapproved and not options["provisional"] else ""
            raise CommandError(f"{exc}{hint}") from None
        self.stdout.write(
            f"运行 #{run.pk} 完成：{run.summary.get('units', 0)} 个单位，"
            f"期间 {'、'.join(run.periods)}"
        )
        for note in run.notes:
            self.stdout.write(f"  {note}")

    def _reap(self, options: dict[str, Any]) -> None:
        self.stdout.write(f"{runs_reap()} 次中断的运行已标为失败。")
