// Plan::WithRowText: a plain statement whose partitions send the text of their rows.
#include "engine/plan_data.h"
#include "engine/query.h"

namespace plume::engine {

namespace {

PlanData RowTextData(const PlanData& d, RowText text) {
  PlanData p = d;
  const std::size_t visible = d.output.size();
  p.row_text = text;
  p.row_text_fields = d.output;
  p.row_text_refs.assign(d.result.begin(), d.result.begin() + static_cast<std::ptrdiff_t>(visible));
  p.output = {Field{"line", Type::kString}};
  // result[0] stands for the line; its ref is never gathered (PartitionExecution renders it).
  p.result = {d.result.front()};
  p.result_types = {Type::kString};
  for (std::size_t k = 0; k < d.order.size(); ++k) {
    const auto r = static_cast<std::size_t>(d.order[k].result);
    p.result.push_back(d.result.at(r));
    p.result_types.push_back(d.result_types.at(r));
    p.order[k].result = static_cast<int>(k + 1);
  }
  return p;
}

}  // namespace

Plan Plan::WithRowText(RowText text) const {
  const PlanData& d = *data_;
  if (text == RowText::kNone || d.aggregate || d.row_text != RowText::kNone || d.output.empty()) {
    return *this;
  }
  Plan derived(std::make_shared<const PlanData>(RowTextData(d, text)));
  derived.source_ = data_;
  return derived;
}

RowText Plan::row_text() const { return data_->row_text; }

const std::vector<Field>& Plan::result_fields() const {
  return data_->row_text == RowText::kNone ? data_->output : data_->row_text_fields;
}

}  // namespace plume::engine
