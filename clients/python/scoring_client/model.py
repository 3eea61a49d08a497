"""Which columns of a frame are indicators, categories and vetoes: the definitions of the server's model (GetModel)."""

from scoring_client._proto import model_service_pb2


class ModelColumns:
    """The codes of one model version, with the Chinese names a column or a category cell may use instead."""

    def __init__(self, model):
        self.version = model.version
        self.element_codes = [e.code for e in model.elements]
        numeric_kind = model_service_pb2.INDICATOR_KIND_NUMERIC
        self.numeric_codes = [i.code for i in model.indicators if i.kind == numeric_kind]
        self.category_codes = [i.code for i in model.indicators if i.kind != numeric_kind]
        self.veto_codes = [v.code for v in model.vetoes]
        self.category_keys = {
            i.code: {**{c.name: c.key for c in i.categories}, **{c.key: c.key for c in i.categories}}
            for i in model.indicators if i.kind != numeric_kind
        }
        self._aliases = {}
        for item in list(model.indicators) + list(model.vetoes):
            self._aliases[item.code] = item.code
            if item.name:
                self._aliases.setdefault(item.name, item.code)

    def code_of(self, column):
        """The indicator or veto code a column names (by code or Chinese name), or None."""
        return self._aliases.get(str(column).strip())
