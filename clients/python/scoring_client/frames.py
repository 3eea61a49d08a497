"""A pandas frame in the CLI's CSV layout, read column by column into the contract's parcels.

Attribute columns carry the contract's ParcelInput field names; every other column names an indicator, category or
veto of the model by code or Chinese name. A cell that cannot be read (a bad number, level or yes/no, a value in a
column the model does not know) refuses its row with a reason naming the column; the other rows go on.
"""

import numpy as np
import pandas as pd

from scoring_client import cells
from scoring_client._proto import parcel_pb2, scoring_service_pb2

TEXT_ATTRIBUTES = ("industry_code", "unit_id", "street", "name", "enterprise_name", "geometry", "crs")
FLAGS = ("inside_development_boundary", "in_ecological_red_line", "redevelopment_underway", "locally_reported")
_ANSWERS = {True: scoring_service_pb2.VETO_ANSWER_MET, False: scoring_service_pb2.VETO_ANSWER_FAILED,
            None: scoring_service_pb2.VETO_ANSWER_UNSPECIFIED}


class ParsedFrame:
    """The rows of a frame as parcels: per-row errors, and per-row ParcelRow or ParcelInput messages."""

    def __init__(self, frame, model):
        if "parcel_id" not in frame.columns:
            raise ValueError("the frame has no parcel_id column")
        self._n = len(frame)
        self.errors = [None] * self._n
        self.parcel_ids = [cells.text(c) for c in frame["parcel_id"].tolist()]
        self.levels = self._map(frame, "level", cells.level, 0)
        self.areas = self._numbers(frame, "area_mu")
        self._area_cells = np.nan_to_num(self.areas).tolist()
        self.texts = {a: [cells.text(c) for c in frame[a].tolist()] for a in TEXT_ATTRIBUTES if a in frame.columns}
        self.flags = {f: self._map(frame, f, cells.yes_no, None) for f in FLAGS if f in frame.columns}
        self.numeric_codes, self.category_codes, self.veto_codes = [], [], []
        numbers, categories, vetoes = [], [], []
        attributes = {"parcel_id", "level", "area_mu", *TEXT_ATTRIBUTES, *FLAGS}
        for column in frame.columns:
            if column in attributes:
                continue
            code = model.code_of(column)
            if code in model.numeric_codes:
                self.numeric_codes.append(code)
                numbers.append(self._numbers(frame, column))
            elif code in model.category_codes:
                self.category_codes.append(code)
                keys = model.category_keys[code]
                categories.append([keys.get(t, t) for t in (cells.text(c) for c in frame[column].tolist())])
            elif code in model.veto_codes:
                self.veto_codes.append(code)
                vetoes.append(self._map(frame, column, lambda c: _ANSWERS[cells.yes_no(c)], 0))
            else:
                self._refuse_values(frame, column, f"column {column}: not an indicator, category or veto of "
                                                   f"model {model.version}")
        self.values = np.column_stack(numbers) if numbers else np.empty((self._n, 0))
        self.categories = list(zip(*categories)) if categories else [()] * self._n
        self.vetoes = list(zip(*vetoes)) if vetoes else [()] * self._n
        for i, parcel_id in enumerate(self.parcel_ids):
            if not parcel_id:
                self._refuse(i, "column parcel_id: required")

    def __len__(self):
        return self._n

    def _refuse(self, i, reason):
        if self.errors[i] is None:
            self.errors[i] = reason

    def _map(self, frame, column, read, default):
        if column not in frame.columns:
            return [default] * self._n
        out = []
        for i, cell in enumerate(frame[column].tolist()):
            try:
                out.append(read(cell))
            except ValueError as e:
                self._refuse(i, f"column {column}: {e}")
                out.append(default)
        return out

    def _numbers(self, frame, column):
        if column not in frame.columns:
            return np.zeros(self._n)
        series = frame[column]
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            return series.to_numpy(dtype=float)
        converted = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
        for i in np.flatnonzero(np.isnan(converted)):
            cell = series.iloc[i]
            if not cells.is_empty(cell):
                self._refuse(i, f"column {column}: '{cell}' is not a number")
        return converted

    def _refuse_values(self, frame, column, reason):
        for i, cell in enumerate(frame[column].tolist()):
            if not cells.is_empty(cell):
                self._refuse(i, reason)

    def _attributes(self, i, names):
        fields = {"parcel_id": self.parcel_ids[i], "level": self.levels[i], "area_mu": self._area_cells[i]}
        for name, column in names:
            cell = column[i]
            if cell is not None and cell != "":
                fields[name] = cell
        return fields

    def _optional(self, *skip):
        return [(n, c) for n, c in (*self.texts.items(), *self.flags.items()) if n not in skip]

    def columns(self, rows):
        """The given row numbers as one ParcelColumns block (ParcelRow has no name or enterprise_name)."""
        block = scoring_service_pb2.ParcelColumns(
            indicator_codes=self.numeric_codes, category_codes=self.category_codes, veto_codes=self.veto_codes)
        add, names = block.rows.add, self._optional("name", "enterprise_name")
        for i in rows:
            add(values=self.values[i].tolist(), categories=self.categories[i], vetoes=self.vetoes[i],
                **self._attributes(i, names))
        return block

    def parcel(self, i):
        """Row i as a ParcelInput (maps of the values it has)."""
        values = self.values[i]
        return parcel_pb2.ParcelInput(
            indicators={c: float(v) for c, v in zip(self.numeric_codes, values) if not np.isnan(v)},
            categories={c: k for c, k in zip(self.category_codes, self.categories[i]) if k},
            vetoes={c: a == scoring_service_pb2.VETO_ANSWER_MET
                    for c, a in zip(self.veto_codes, self.vetoes[i]) if a != scoring_service_pb2.VETO_ANSWER_UNSPECIFIED},
            **self._attributes(i, self._optional()))
