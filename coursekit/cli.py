"""Command line: ``coursekit entorno | espacio | ediciones | calificar``.

Each subcommand lives in its own module, which provides ``add_arguments(parser)``
and ``run(args) -> int``; it is imported only when used.
"""

import argparse
import importlib
import sys

COMMANDS = {
    "entorno": ("coursekit.envreport", "Muestra versiones, CPU/GPU, modo rápido y datos disponibles sin conexión."),
    "espacio": ("coursekit.workspace", "Crea o actualiza tu espacio de trabajo (mi-curso/) sin tocar lo que ya has escrito."),
    "ediciones": ("coursekit.editions", "Genera la edición del alumnado y la de soluciones de los cuadernos."),
    "calificar": ("coursekit.grading.cli", "Califica por lotes los cuadernos entregados por una clase."),
}


def build_parser(load=None):
    """Parser with every subcommand (``load``: only that one gets its arguments)."""
    parser = argparse.ArgumentParser(prog="coursekit", description="Herramientas del Curso de Deep Learning.")
    sub = parser.add_subparsers(dest="command", metavar="ORDEN")
    for name, (module, help_text) in COMMANDS.items():
        sp = sub.add_parser(name, help=help_text, description=help_text)
        if load == name:
            importlib.import_module(module).add_arguments(sp)
    return parser


def main(argv=None) -> int:
    """Entry point of the ``coursekit`` command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    name = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(load=name if name in COMMANDS else None)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    module = importlib.import_module(COMMANDS[args.command][0])
    return int(module.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
