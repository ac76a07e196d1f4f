#include "tools/tune/layer_groups.h"

#include <map>
#include <regex>

#include "engine/exec/compiled_model.h"
#include "engine/exec/executor.h"

namespace dcnn::tune {

std::string stage_of(const std::string& node_name) {
  static const std::regex stage(R"(^(.*?(block_\d+|expanded_conv(_\d+)?))(_|/|$))");
  std::smatch m;
  if (std::regex_search(node_name, m, stage)) return m[1].str();
  const size_t first = node_name.find('/');
  if (first == std::string::npos) return node_name;
  const size_t second = node_name.find('/', first + 1);
  return second == std::string::npos ? node_name.substr(0, first) : node_name.substr(0, second);
}

ThresholdOwner fused_unit_owners(const Model& model, const DeltaSettings& settings) {
  std::map<std::string, std::string> owners;
  {
    const Executor units(model.compiled(), ExecMode::Delta, settings);
    for (const NodeInfo& node : model.compiled()->nodes()) {
      std::string owner = units.threshold_owner(node.name);
      if (owner != node.name) owners.emplace(node.name, std::move(owner));
    }
  }
  return [owners = std::move(owners)](const std::string& node) {
    const auto it = owners.find(node);
    return it == owners.end() ? node : it->second;
  };
}

std::vector<LayerGroup> tunable_groups(const Model& model, bool truncate_linear, const ThresholdOwner& owner) {
  const CompiledModel& compiled = *model.compiled();
  const ir::Graph& g = compiled.graph();
  std::vector<bool> is_output(g.tensors.size(), false);
  for (int id : g.outputs) is_output.at(size_t(id)) = true;
  const double total = double(std::max<int64_t>(compiled.total_macs(), 1));

  std::map<std::string, const NodeInfo*> by_name;
  for (const NodeInfo& node : compiled.nodes()) by_name[node.name] = &node;
  // Mirrors the executor's rule for which node names delta.layer_thresholds accepts.
  auto tunable = [&](const NodeInfo& node) {
    return node.has_threshold || (truncate_linear && node.can_truncate_linear && !is_output[size_t(node.output)]);
  };
  // A squeeze-excite gate (1x1 spatial output) is its own group: any change of it multiplies
  // a whole feature map, so it wants a much larger eps than the stage's pixel-wise layers.
  auto key_of = [](const NodeInfo& node) {
    const Shape& shape = node.output_shape;
    return stage_of(node.name) + (shape.h == 1 && shape.w == 1 ? " (gate)" : "");
  };
  std::vector<LayerGroup> groups;
  std::map<std::string, size_t> index;
  // nodes(), not ops(): the same for every backend (a CUDA model has no CPU ops).
  auto decides_for = [&](const NodeInfo& node) -> const NodeInfo& {
    if (!owner) return node;
    const auto found = by_name.find(owner(node.name));
    return found != by_name.end() ? *found->second : node;
  };
  for (const NodeInfo& node : compiled.nodes()) {
    if (!tunable(node)) continue;
    const NodeInfo& decides = decides_for(node);
    if (&decides != &node && !tunable(decides)) continue;  // its entry would change nothing
    const std::string key = key_of(decides);
    auto it = index.find(key);
    if (it == index.end()) {
      it = index.emplace(key, groups.size()).first;
      groups.push_back(LayerGroup{key, {}, 0.0});
    }
    groups[it->second].nodes.push_back(node.name);
  }
  // MAC share of each group: the cost of the nodes between the group's thresholds and the next
  // stage is what raising its eps saves; the nodes' own MACs are a good enough proxy to report.
  for (const NodeInfo& node : compiled.nodes()) {
    auto it = index.find(key_of(decides_for(node)));
    if (it != index.end()) groups[it->second].macs_share += double(node.macs) / total;
  }
  return groups;
}

}  // namespace dcnn::tune
